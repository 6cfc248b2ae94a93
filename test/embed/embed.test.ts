import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectLatents } from '../../lib/embed';

/** A small seeded generator (mulberry32) so the fixtures are the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Two tight clusters of `perCluster` points each, 8 apart, in `cols` dimensions. */
function twoClusters(perCluster: number, cols: number): Float32Array {
  const next = random(7);
  const X = new Float32Array(2 * perCluster * cols);
  for (let i = 0; i < 2 * perCluster; i++) {
    const offset = i < perCluster ? 0 : 8 / Math.sqrt(cols);
    for (let j = 0; j < cols; j++) X[i * cols + j] = offset + 0.2 * (next() - 0.5);
  }
  return X;
}

function distance(c: Float64Array, i: number, j: number): number {
  return Math.hypot(c[2 * i] - c[2 * j], c[2 * i + 1] - c[2 * j + 1]);
}

test('projectLatents(pca) recovers the dominant direction and its share of variance', () => {
  const rows = 100;
  const cols = 5;
  const direction = [0.5, -0.5, 0.5, 0.5, 0]; // unit length
  const next = random(1);
  const t = Array.from({ length: rows }, () => 10 * (next() - 0.5));
  const X = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) X[i * cols + j] = t[i] * direction[j] + 0.1 * (next() - 0.5);
  }
  const { coordinates, explainedVariance } = projectLatents(X, rows, cols, { technique: 'pca' });

  assert.equal(coordinates.length, rows * 2);
  const first = Array.from({ length: rows }, (_, i) => coordinates[2 * i]);
  assert.ok(Math.abs(correlation(first, t)) > 0.999);
  assert.ok(explainedVariance);
  assert.equal(explainedVariance.length, 2);
  assert.ok(explainedVariance[0] > 0.99, `first component explains ${explainedVariance[0]}`);
  assert.ok(explainedVariance[1] >= 0 && explainedVariance[1] <= explainedVariance[0]);
  assert.ok(explainedVariance[0] + explainedVariance[1] <= 1 + 1e-9);
});

test('projectLatents on identical rows gives explained variance 0 and warns once', (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  const X = new Float32Array(20 * 4).fill(0.3);
  const { coordinates, explainedVariance } = projectLatents(X, 20, 4, { technique: 'pca' });
  assert.deepEqual(explainedVariance, [0, 0]);
  assert.deepEqual(coordinates, new Float64Array(40));
  const map = projectLatents(X, 20, 4, { technique: 'tsne', perplexity: 3, iterations: 20 });
  assert.ok(map.coordinates.every(Number.isFinite));
  assert.equal(warn.mock.callCount(), 1);
  assert.match(
    String(warn.mock.calls[0].arguments[0]),
    /all 20 rows are identical, .* explained variance 0\); check that the encoder is trained/,
  );
});

test('projectLatents(tsne) separates two well-separated clusters (after PCA to 50 columns)', () => {
  const perCluster = 20;
  const X = twoClusters(perCluster, 60);
  const { coordinates, explainedVariance } = projectLatents(X, 2 * perCluster, 60, {
    technique: 'tsne',
    perplexity: 5,
    iterations: 500,
  });
  assert.equal(explainedVariance, undefined);
  assert.equal(coordinates.length, 4 * perCluster);
  assert.ok(coordinates.every(Number.isFinite));
  // Every point's nearest neighbour in the map is from its own cluster.
  for (let i = 0; i < 2 * perCluster; i++) {
    let nearest = -1;
    for (let j = 0; j < 2 * perCluster; j++) {
      if (
        j !== i &&
        (nearest < 0 || distance(coordinates, i, j) < distance(coordinates, i, nearest))
      ) {
        nearest = j;
      }
    }
    assert.equal(nearest < perCluster, i < perCluster, `point ${i}'s nearest is ${nearest}`);
  }
  // And the clusters lie further apart than they are wide.
  let within = 0;
  let between = 0;
  for (let i = 0; i < 2 * perCluster; i++) {
    for (let j = i + 1; j < 2 * perCluster; j++) {
      const same = i < perCluster === j < perCluster;
      if (same) within = Math.max(within, distance(coordinates, i, j));
      else between += distance(coordinates, i, j) / (perCluster * perCluster);
    }
  }
  assert.ok(between > within, `mean distance between ${between}, widest cluster ${within}`);
});

test('projectLatents(tsne) with the same seed gives the same coordinates, another seed others', () => {
  const X = twoClusters(10, 4);
  const options = { technique: 'tsne' as const, perplexity: 3, iterations: 200 };
  const a = projectLatents(X, 20, 4, { ...options, seed: 5 });
  const b = projectLatents(X, 20, 4, { ...options, seed: 5 });
  const c = projectLatents(X, 20, 4, { ...options, seed: 6 });
  assert.deepEqual(a.coordinates, b.coordinates);
  assert.notDeepEqual(a.coordinates, c.coordinates);
});

test('projectLatents rejects an unknown technique, listing the valid ones', () => {
  const X = new Float32Array(20);
  assert.throws(
    () => projectLatents(X, 10, 2, { technique: 'umap' as 'pca' }),
    /unknown technique 'umap'; expected one of pca, tsne/,
  );
});

test('projectLatents(X, rows, cols, undefined) says options.technique is required', () => {
  const X = new Float32Array(20);
  const required = /options\.technique is required \('pca' or 'tsne'\)/;
  assert.throws(() => projectLatents(X, 10, 2, undefined as never), required);
  assert.throws(() => projectLatents(X, 10, 2, {} as never), required);
});

test('projectLatents(tsne) diverging with perplexity 0.01 names perplexity and learningRate', () => {
  const X = twoClusters(5, 3);
  assert.throws(
    () => projectLatents(X, 10, 3, { technique: 'tsne', perplexity: 0.01, iterations: 10 }),
    /diverged .* with perplexity 0\.01 and learningRate 10; raise perplexity .* or lower learningRate/,
  );
});

test('projectLatents rejects a perplexity that is not > 0 or too large for the rows', () => {
  const X = twoClusters(5, 3);
  for (const perplexity of [0, -1, NaN]) {
    assert.throws(
      () => projectLatents(X, 10, 3, { technique: 'tsne', perplexity }),
      /perplexity must be > 0/,
    );
  }
  // 10 rows allow 3 * perplexity <= 9, so 3 passes and 3.5 fails.
  assert.doesNotThrow(() =>
    projectLatents(X, 10, 3, { technique: 'tsne', perplexity: 3, iterations: 10 }),
  );
  assert.throws(
    () => projectLatents(X, 10, 3, { technique: 'tsne', perplexity: 3.5 }),
    /perplexity 3.5 is too large for 10 rows; t-SNE needs 3 \* perplexity <= rows - 1, so at most 3 here/,
  );
});

test('projectLatents rejects a length that does not match rows x cols', () => {
  assert.throws(
    () => projectLatents(new Float32Array(11), 5, 2, { technique: 'pca' }),
    /5 rows x 2 cols need 10 values, got 11/,
  );
  assert.throws(
    () => projectLatents(new Float32Array(0), 0, 2, { technique: 'pca' }),
    /rows and cols must be positive integers, got 0x2/,
  );
});

test('projectLatents rejects non-finite values, naming row and column', () => {
  const X = new Float32Array(12);
  X[7] = NaN;
  assert.throws(
    () => projectLatents(X, 4, 3, { technique: 'pca' }),
    /value at row 2, column 1 is not finite: NaN/,
  );
  X[7] = Infinity;
  assert.throws(() => projectLatents(X, 4, 3, { technique: 'tsne', perplexity: 1 }), /Infinity/);
});

test('projectLatents rejects a bad seed or iteration count', () => {
  const X = twoClusters(5, 3);
  assert.throws(
    () => projectLatents(X, 10, 3, { technique: 'tsne', perplexity: 2, seed: 1.5 }),
    /seed must be an integer >= 0, got 1.5/,
  );
  assert.throws(
    () => projectLatents(X, 10, 3, { technique: 'tsne', perplexity: 2, iterations: 0 }),
    /iterations must be an integer >= 1, got 0/,
  );
});

function correlation(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
