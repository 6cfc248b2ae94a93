/**
 * Latent vectors projected to 2-D for plotting: PCA (ml-pca) or t-SNE (druidjs, exact t-SNE
 * with a seeded random generator).
 */
import { TSNE } from '@saehrimnir/druidjs';
import { PCA } from 'ml-pca';

/** The projections {@link projectLatents} knows. */
export const TECHNIQUES = ['pca', 'tsne'] as const;
export type Technique = (typeof TECHNIQUES)[number];

/** Options of {@link projectLatents}. */
export interface ProjectOptions {
  /** `pca` (linear, deterministic) or `tsne` (keeps neighbourhoods). */
  technique: Technique;
  /**
   * t-SNE: the effective number of neighbours each point keeps. Default 30. Must satisfy
   * `3 * perplexity <= rows - 1` (at most 99.66 for 300 rows; perplexity 50 needs at least 151 rows).
   */
  perplexity?: number;
  /** t-SNE: seed of the initial layout; the same seed gives the same coordinates. Default 1. */
  seed?: number;
  /** t-SNE: gradient steps (the first 100 with early exaggeration 4). Default 1000. */
  iterations?: number;
  /** t-SNE: step size of the gradient descent (druidjs's `epsilon`). Default 10. */
  learningRate?: number;
}

/** The 2-D projection: `rows x 2` coordinates, row-major. */
export interface Projection {
  coordinates: Float64Array;
  /**
   * PCA: the fraction of the total variance along each of the two components; 0 and 0 when
   * every row is the same (there is no variance to share out).
   */
  explainedVariance?: number[];
}

/** Above this many columns, t-SNE first reduces the data with PCA (as scikit-learn advises). */
export const TSNE_PCA_COLUMNS = 50;

/**
 * Projects `rows` latent vectors of `cols` values each (row-major) to 2-D.
 *
 * PCA centres the data and keeps the two directions of largest variance, reporting the share
 * of variance each explains. t-SNE is the exact O(rows^2) algorithm: fine for hundreds of
 * points (300 x 288 with 1000 iterations, PCA to 50 included, takes 1-4 s here), slow beyond
 * a few thousand. With more than 50 columns, t-SNE runs on the first 50 principal components, which removes
 * noise and speeds up the distances without changing the neighbourhoods much.
 *
 * Rows that are all the same have nothing to project: PCA puts every point at the origin with
 * explained variance 0, t-SNE scatters them at random, and both warn once.
 */
export function projectLatents(
  latents: Float32Array,
  rows: number,
  cols: number,
  options: ProjectOptions,
): Projection {
  const technique = options?.technique;
  if (technique === undefined) {
    throw new Error(`projectLatents: options.technique is required ('pca' or 'tsne')`);
  }
  if (!(TECHNIQUES as readonly string[]).includes(technique)) {
    throw new Error(
      `projectLatents: unknown technique '${String(technique)}'; expected one of ${TECHNIQUES.join(', ')}`,
    );
  }
  const X = toRows(latents, rows, cols);
  const identical = allRowsEqual(X);
  if (identical && rows > 1 && !warnedIdentical) {
    warnedIdentical = true;
    console.warn(
      `projectLatents: all ${rows} rows are identical, so the ${technique} map shows no ` +
        'structure (PCA: every point at the origin, explained variance 0); check that the ' +
        'encoder is trained and that different images were encoded',
    );
  }
  return technique === 'pca' ? pca(X, identical) : tsne(X, options);
}

/** Two principal components of the rows, with the fraction of variance of each. */
function pca(X: number[][], identical: boolean): Projection {
  if (X.length < 2 || X[0].length < 2) {
    throw new Error(
      `projectLatents: PCA to 2-D needs at least 2 rows and 2 columns, got ${X.length}x${X[0].length}`,
    );
  }
  // ml-pca would divide a total variance of 0 by itself, or share out rounding noise.
  if (identical) return { coordinates: new Float64Array(2 * X.length), explainedVariance: [0, 0] };
  const model = new PCA(X, { center: true });
  const projected = model.predict(X, { nComponents: 2 });
  const explainedVariance = model.getExplainedVariance().slice(0, 2);
  return { coordinates: Float64Array.from(projected.to1DArray()), explainedVariance };
}

function tsne(X: number[][], options: ProjectOptions): Projection {
  const rows = X.length;
  const perplexity = options.perplexity ?? 30;
  const seed = options.seed ?? 1;
  const iterations = options.iterations ?? 1000;
  const learningRate = options.learningRate ?? 10;

  // 1. Validate: the perplexity rule is the one of van der Maaten's bhtsne.
  if (!(perplexity > 0)) {
    throw new Error(`projectLatents: perplexity must be > 0, got ${perplexity}`);
  }
  if (!(3 * perplexity <= rows - 1)) {
    throw new Error(
      `projectLatents: perplexity ${perplexity} is too large for ${rows} rows; t-SNE needs ` +
        `3 * perplexity <= rows - 1, so at most ${round2((rows - 1) / 3)} here`,
    );
  }
  if (!Number.isInteger(seed) || seed < 0) {
    throw new Error(`projectLatents: seed must be an integer >= 0, got ${seed}`);
  }
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new Error(`projectLatents: iterations must be an integer >= 1, got ${iterations}`);
  }
  if (!(learningRate > 0)) {
    throw new Error(`projectLatents: learningRate must be > 0, got ${learningRate}`);
  }
  if (rows > LARGE_TSNE && !warnedLarge) {
    warnedLarge = true;
    console.warn(
      `projectLatents: exact t-SNE on ${rows} rows keeps several ${rows}x${rows} matrices and ` +
        `its time grows with rows^2; project a random sample of a few thousand rows instead`,
    );
  }

  // 2. More than 50 columns: keep the first 50 principal components.
  let input = X;
  if (X[0].length > TSNE_PCA_COLUMNS) {
    const model = new PCA(X, { center: true });
    const components = Math.min(TSNE_PCA_COLUMNS, rows);
    input = model.predict(X, { nComponents: components }).to2DArray();
  }

  // 3. Exact t-SNE from a seeded Gaussian start.
  const model = new TSNE(input, { perplexity, seed, epsilon: learningRate, d: 2 });
  const Y = model.transform(iterations) as number[][];
  const coordinates = new Float64Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    coordinates[2 * i] = Y[i][0];
    coordinates[2 * i + 1] = Y[i][1];
  }
  if (!coordinates.every(Number.isFinite)) {
    throw new Error(
      `projectLatents: t-SNE diverged (coordinates not finite) with perplexity ${perplexity} ` +
        `and learningRate ${learningRate}; raise perplexity (a tiny one makes the neighbour ` +
        'probabilities degenerate) or lower learningRate',
    );
  }
  return { coordinates };
}

const LARGE_TSNE = 3000;
let warnedLarge = false;
let warnedIdentical = false;

/** True when every row equals the first, value for value. */
function allRowsEqual(X: number[][]): boolean {
  const first = X[0];
  return X.every((row) => row.every((v, j) => v === first[j]));
}

/** Rows as arrays of doubles, after checking the shape and that every value is finite. */
function toRows(latents: Float32Array, rows: number, cols: number): number[][] {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || !(rows >= 1) || !(cols >= 1)) {
    throw new Error(`projectLatents: rows and cols must be positive integers, got ${rows}x${cols}`);
  }
  if (latents.length !== rows * cols) {
    throw new Error(
      `projectLatents: ${rows} rows x ${cols} cols need ${rows * cols} values, got ${latents.length}`,
    );
  }
  const X: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const row = Array.from(latents.subarray(i * cols, (i + 1) * cols));
    const bad = row.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new Error(
        `projectLatents: value at row ${i}, column ${bad} is not finite: ${row[bad]}`,
      );
    }
    X.push(row);
  }
  return X;
}

function round2(x: number): number {
  return Math.floor(x * 100) / 100;
}
