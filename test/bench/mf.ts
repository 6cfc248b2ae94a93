/**
 * Speed of matrix factorization, one `name value unit` line per figure:
 * seconds per exact ALS sweep, per SGD epoch and for the SVD initialisation (k = 100) on a seeded synthetic matrix of
 * the assignment's size after cold start and on MovieLens latest-small, peak memory, and
 * the time to load and cold-start a Yelp-sized `.npy`. Wall-clock seconds; `.cpu` lines
 * give this process's CPU seconds, which read better on a busy machine.
 *
 *   npm run bench:mf
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dataPath } from '../../lib/env';
import {
  SgdEpochs,
  alsSweep,
  loadRatings,
  randomFactors,
  ratingMatrix,
  svdFactors,
  writeNpy,
} from '../../lib/mf';
import { SeededRandom, SparseMatrix, coldStart, meanShift } from '../../lib/sparse';

const K = 100;
const LAMBDA = 1e-4;

main();

function main(): void {
  const synthetic = syntheticMatrix(3529, 2072, 150_000, 42);
  factorizationFigures('synthetic', meanShift(synthetic).matrix);
  print('mf.memory.peak_rss.synthetic', process.resourceUsage().maxRSS / 1024, 'MB');

  let movielens: SparseMatrix | undefined;
  try {
    movielens = ratingMatrix(loadRatings(dataPath('ml-latest-small/ratings.csv'), { log: false }));
  } catch (error) {
    console.log(`# movielens skipped: ${(error as Error).message}`);
  }
  if (movielens) factorizationFigures('movielens', meanShift(movielens).matrix);

  yelpSizedLoad();
  print('mf.memory.peak_rss', process.resourceUsage().maxRSS / 1024, 'MB');
}

/** Median seconds of ALS sweeps and SGD epochs on `matrix`. */
function factorizationFigures(name: string, matrix: SparseMatrix): void {
  console.log(`# ${name}: ${matrix.describe()}, k = ${K}`);
  const als = randomFactors(matrix.nRows, matrix.nCols, K, 0);
  const alsTimes = repeat(3, () => alsSweep(matrix, als, LAMBDA));
  print(`mf.als.sweep.${name}`, median(alsTimes.wall), 's');
  print(`mf.als.sweep.${name}.cpu`, median(alsTimes.cpu), 's');

  const svd = repeat(1, () => svdFactors(matrix, K, 0));
  print(`mf.init.svd.${name}`, svd.wall[0], 's');

  const sgd = randomFactors(matrix.nRows, matrix.nCols, K, 0);
  const epochs = new SgdEpochs(matrix, 0);
  const sgdTimes = repeat(5, () => epochs.epoch(sgd, LAMBDA, 1e-3));
  print(`mf.sgd.epoch.${name}`, median(sgdTimes.wall), 's');
  print(`mf.sgd.epoch.${name}.cpu`, median(sgdTimes.cpu), 's');
}

/** Writes a 929,606-row int64 `.npy` over 337,867 x 5,899 ids, then loads and cold-starts it. */
function yelpSizedLoad(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-bench-'));
  const file = path.join(dir, 'ratings.npy');
  const rows = 929_606;
  const random = new SeededRandom(7);
  const values = new Float64Array(rows * 3);
  for (let r = 0; r < rows; r++) {
    // Skewed ids, as in real data: a few users and items hold many of the ratings.
    values[3 * r] = 1 + Math.floor(337_867 * random.next() ** 3);
    values[3 * r + 1] = 1 + Math.floor(5_899 * random.next() ** 2);
    values[3 * r + 2] = 1 + random.int(5);
  }
  writeNpy(file, values, [rows, 3], '<i8');

  const started = performance.now();
  const ratings = loadRatings(file, { log: false });
  const loaded = performance.now();
  const matrix = ratingMatrix(ratings);
  const built = performance.now();
  const result = coldStart(matrix, 20, { log: false });
  const done = performance.now();
  console.log(
    `# yelp-sized: ${ratings.userIds.length} x ${ratings.itemIds.length} ids, ` +
      `after cold start ${result.matrix.describe()} in ${result.rounds} rounds`,
  );
  print('mf.load.npy.yelp_sized', (loaded - started) / 1000, 's');
  print('mf.matrix.build.yelp_sized', (built - loaded) / 1000, 's');
  print('mf.coldstart.yelp_sized', (done - built) / 1000, 's');
  print('mf.load_and_coldstart.yelp_sized', (done - started) / 1000, 's');
  fs.rmSync(dir, { recursive: true, force: true });
}

/** `count` distinct random entries with ratings 1..5; items skewed toward low indices. */
function syntheticMatrix(users: number, items: number, count: number, seed: number): SparseMatrix {
  const random = new SeededRandom(seed);
  const seen = new Set<number>();
  const rows = new Int32Array(count);
  const cols = new Int32Array(count);
  const ratings = new Float64Array(count);
  let e = 0;
  while (e < count) {
    const u = random.int(users);
    const i = Math.floor(items * random.next() ** 1.5);
    if (seen.has(u * items + i)) continue;
    seen.add(u * items + i);
    rows[e] = u;
    cols[e] = i;
    ratings[e] = 1 + random.int(5);
    e++;
  }
  return SparseMatrix.fromEntries({ rows, cols, values: ratings }, users, items);
}

function repeat(times: number, run: () => void): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let t = 0; t < times; t++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    run();
    wall.push((performance.now() - start) / 1000);
    cpu.push(process.cpuUsage(cpuStart).user / 1e6);
  }
  return { wall, cpu };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function print(name: string, value: number, unit: string): void {
  console.log(`${name} ${value.toFixed(value < 10 ? 3 : 1)} ${unit}`);
}
