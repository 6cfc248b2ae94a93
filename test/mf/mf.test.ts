import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Entries, SeededRandom, SparseMatrix } from '../../lib/sparse';
import {
  Factors,
  SgdEpochs,
  alsSweep,
  initFactors,
  loadModel,
  mfLoss,
  randomFactors,
  recommend,
  runWithEarlyStopping,
  saveModel,
  starErrors,
  trainFactorization,
} from '../../lib/mf';

/** A full users x items matrix of rank `rank` with integer-ish entries. */
function lowRank(users: number, items: number, rank: number, seed = 1): SparseMatrix {
  const random = new SeededRandom(seed);
  const U = Array.from({ length: users * rank }, () => random.next() * 2 - 1);
  const V = Array.from({ length: items * rank }, () => random.next() * 2 - 1);
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let u = 0; u < users; u++) {
    for (let i = 0; i < items; i++) {
      let s = 0;
      for (let f = 0; f < rank; f++) s += U[u * rank + f] * V[i * rank + f];
      rows.push(u);
      cols.push(i);
      values.push(s);
    }
  }
  return SparseMatrix.fromEntries(
    { rows: Int32Array.from(rows), cols: Int32Array.from(cols), values: Float64Array.from(values) },
    users,
    items,
  );
}

const noEntries: Entries = {
  rows: new Int32Array(0),
  cols: new Int32Array(0),
  values: new Float64Array(0),
};

test('mfLoss adds the squared errors and lambda times the squared norms', () => {
  const m = SparseMatrix.fromEntries(
    { rows: Int32Array.of(0, 1), cols: Int32Array.of(0, 0), values: Float64Array.of(3, 1) },
    2,
    1,
  );
  const factors: Factors = {
    k: 1,
    nUsers: 2,
    nItems: 1,
    Q: Float64Array.of(1, 2),
    P: Float64Array.of(2),
  };
  // errors: 3 - 2 = 1, 1 - 4 = -3; norms: 1 + 4 + 4 = 9
  assert.equal(mfLoss(m, factors, 0.5), 1 + 9 + 0.5 * 9);
});

test('alsSweep recovers an exact rank-2 matrix', () => {
  const m = lowRank(12, 9, 2);
  const factors = randomFactors(12, 9, 2, 5);
  for (let s = 0; s < 60; s++) alsSweep(m, factors, 1e-10);
  assert.ok(mfLoss(m, factors, 0) < 1e-8, `loss ${mfLoss(m, factors, 0)}`);
});

test('alsSweep gives the same answer with fewer ratings than factors (dual form)', () => {
  // k = 6 > 5 ratings per user: each user's row is solved in the n x n form. At the ridge
  // minimum the gradient vanishes: P_u (r_u - P_u^T q_u) = lambda q_u.
  const m = lowRank(4, 5, 2);
  const factors = randomFactors(4, 5, 6, 2);
  alsSweep(m, factors, 0.1);
  const { k, Q, P } = factors;
  for (let u = 0; u < 4; u++) {
    for (let f = 0; f < k; f++) {
      let g = 0;
      for (let i = 0; i < 5; i++) {
        let pred = 0;
        for (let h = 0; h < k; h++) pred += Q[u * k + h] * P[i * k + h];
        g += P[i * k + f] * ((m.get(u, i) ?? 0) - pred);
      }
      assert.ok(Math.abs(g - 0.1 * Q[u * k + f]) < 1e-9, `user ${u} factor ${f}: ${g}`);
    }
  }
});

test('alsSweep gives the same factors with the wasm and the js kernels', () => {
  // Odd k and odd rating counts on both sides of k exercise the padding of both forms.
  const random = new SeededRandom(4);
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let u = 0; u < 40; u++) {
    for (let i = 0; i < 13; i++) {
      if (random.next() < (u < 5 ? 0.9 : 0.3)) {
        rows.push(u);
        cols.push(i);
        values.push(random.next() * 4 - 2);
      }
    }
  }
  const m = SparseMatrix.fromEntries(
    { rows: Int32Array.from(rows), cols: Int32Array.from(cols), values: Float64Array.from(values) },
    40,
    13,
  );
  const wasm = randomFactors(40, 13, 7, 1);
  const js = randomFactors(40, 13, 7, 1);
  for (let s = 0; s < 3; s++) {
    alsSweep(m, wasm, 0.01, 'wasm');
    alsSweep(m, js, 0.01, 'js');
  }
  for (let j = 0; j < wasm.Q.length; j++) assert.ok(Math.abs(wasm.Q[j] - js.Q[j]) < 1e-9);
  for (let j = 0; j < wasm.P.length; j++) assert.ok(Math.abs(wasm.P[j] - js.P[j]) < 1e-9);
});

test('SgdEpochs gives the same factors with the wasm and the js kernels', () => {
  const m = lowRank(30, 20, 2);
  const wasm = randomFactors(30, 20, 5, 3);
  const js = randomFactors(30, 20, 5, 3);
  const wasmEpochs = new SgdEpochs(m, 8, 'wasm');
  const jsEpochs = new SgdEpochs(m, 8, 'js');
  for (let s = 0; s < 3; s++) {
    wasmEpochs.epoch(wasm, 0.01, 0.01);
    jsEpochs.epoch(js, 0.01, 0.01);
  }
  for (let j = 0; j < wasm.Q.length; j++) assert.ok(Math.abs(wasm.Q[j] - js.Q[j]) < 1e-12);
  for (let j = 0; j < wasm.P.length; j++) assert.ok(Math.abs(wasm.P[j] - js.P[j]) < 1e-12);
});

test('runWithEarlyStopping stops after patience evaluations without improvement', () => {
  const validation = [9, 7, 5, 6, 5.5, 5, 4.9, 8];
  let kept = -1;
  let current = 0;
  const result = runWithEarlyStopping(
    {
      step: (it) => (current = it),
      evaluate: () => ({ train: 1, validation: validation[current / 2 - 1] }),
      keepBest: () => (kept = current),
    },
    { maxSteps: 100, patience: 3, evalEvery: 2, log: false },
  );
  // Evaluations at steps 2, 4, 6 (best 5), 8, 10, 12: three without improvement.
  assert.equal(result.steps, 12);
  assert.equal(result.convergedAfter, 12 - 3 * 2);
  assert.equal(result.bestStep, 6);
  assert.equal(kept, 6);
  assert.deepEqual(
    result.history.map((p) => p.step),
    [2, 4, 6, 8, 10, 12],
  );
});

test('runWithEarlyStopping resets patience on improvement and returns -1 at maxSteps', () => {
  const validation = [5, 6, 4, 6, 3, 7];
  let current = 0;
  const result = runWithEarlyStopping(
    {
      step: (it) => (current = it),
      evaluate: () => ({ train: 0, validation: validation[current - 1] }),
      keepBest: () => undefined,
    },
    { maxSteps: 6, patience: 2, log: false },
  );
  assert.equal(result.convergedAfter, -1);
  assert.equal(result.bestStep, 5);
  assert.equal(result.steps, 6);
});

test('trainFactorization reports progress and keeps the best factors', () => {
  const m = lowRank(15, 10, 2);
  const validation = {
    rows: Int32Array.of(0, 3),
    cols: Int32Array.of(1, 2),
    values: Float64Array.of(0.5, -0.2),
  };
  const seen: number[] = [];
  const result = trainFactorization(m, validation, {
    k: 3,
    lambda: 1e-3,
    maxSteps: 8,
    log: false,
    onProgress: (p) => seen.push(p.step),
  });
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8].slice(0, seen.length));
  assert.equal(result.trainLoss.length, seen.length);
  const best = Math.min(...result.validationLoss);
  assert.ok(Math.abs(mfLoss(validation, result.factors, 1e-3) - best) < 1e-9);
});

test('trainFactorization with SGD lowers the training loss', () => {
  const m = lowRank(30, 20, 2);
  const result = trainFactorization(m, noEntriesWithOne(m), {
    optimizer: 'sgd',
    k: 2,
    learningRate: 0.05,
    maxSteps: 30,
    patience: 30,
    log: false,
  });
  assert.ok(result.trainLoss[result.trainLoss.length - 1] < result.trainLoss[0] / 10);
});

test('trainFactorization with the same seed gives the same factors', () => {
  const m = lowRank(20, 10, 2);
  const options = { optimizer: 'sgd' as const, k: 2, learningRate: 0.02, maxSteps: 5, log: false };
  const a = trainFactorization(m, noEntriesWithOne(m), options);
  const b = trainFactorization(m, noEntriesWithOne(m), options);
  assert.deepEqual(a.factors.Q, b.factors.Q);
  assert.deepEqual(a.factors.P, b.factors.P);
});

test('trainFactorization stops a diverging SGD with advice to lower the learning rate', () => {
  const m = lowRank(20, 10, 2);
  assert.throws(
    () =>
      trainFactorization(m, noEntriesWithOne(m), {
        optimizer: 'sgd',
        k: 10,
        learningRate: 5,
        maxSteps: 50,
        log: false,
      }),
    /diverged.*lower the learning rate/,
  );
});

test('trainFactorization refuses an unknown optimizer and initFactors an unknown init', () => {
  const m = lowRank(5, 4, 1);
  assert.throws(
    () => trainFactorization(m, noEntries, { optimizer: 'adam' as never, log: false }),
    /unknown optimizer: "adam"; expected one of als, sgd/,
  );
  assert.throws(() => initFactors(m, 2, { init: 'zeros' as never }), /unknown init: "zeros"/);
});

test('initFactors svd reconstructs a low-rank matrix and refuses k too large', () => {
  const m = lowRank(25, 15, 3);
  const factors = initFactors(m, 3, { init: 'svd' });
  assert.ok(mfLoss(m, factors, 0) < 1e-12, `loss ${mfLoss(m, factors, 0)}`);
  assert.throws(() => initFactors(m, 16, { init: 'svd' }), /k = 16 is larger .*at most 15/);
});

test('initFactors random is uniform in [0, 1) and repeats with the seed', () => {
  const m = lowRank(5, 4, 1);
  const a = initFactors(m, 3, { seed: 9 });
  const b = initFactors(m, 3, { seed: 9 });
  assert.deepEqual(a, b);
  assert.ok([...a.Q, ...a.P].every((x) => x >= 0 && x < 1));
});

test('starErrors adds the means back and measures RMSE and MAE', () => {
  const factors: Factors = {
    k: 1,
    nUsers: 2,
    nItems: 1,
    Q: Float64Array.of(1, 1),
    P: Float64Array.of(0.5),
  };
  const entries = {
    rows: Int32Array.of(0, 1),
    cols: Int32Array.of(0, 0),
    values: Float64Array.of(1.5, 0),
  };
  const errors = starErrors(entries, factors, Float64Array.of(3, 4));
  // predictions 0.5 + mean, values 1.5 + 3 and 0 + 4: errors 1 and -0.5
  assert.equal(errors.mae, 0.75);
  assert.equal(errors.rmse, Math.sqrt((1 + 0.25) / 2));
});

test('recommend leaves out rated items and orders by predicted stars', () => {
  const m = SparseMatrix.fromEntries(
    { rows: Int32Array.of(0, 1), cols: Int32Array.of(2, 0), values: Float64Array.of(1, 1) },
    2,
    4,
    {
      rowIds: Float64Array.of(10, 20),
      colIds: Float64Array.of(7, 8, 9, 11),
      colNames: ['a', 'b', 'c', 'd'],
    },
  );
  const factors: Factors = {
    k: 1,
    nUsers: 2,
    nItems: 4,
    Q: Float64Array.of(1, 1),
    P: Float64Array.of(0.1, 0.9, 2, 0.5),
  };
  const top = recommend(factors, m, Float64Array.of(3, 3), 0, 2);
  assert.deepEqual(
    top.map((r) => [r.itemId, r.title, r.stars]),
    [
      [8, 'b', 3.9],
      [11, 'd', 3.5],
    ],
  );
});

test('saveModel then loadModel gives back the same model', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-mf-')), 'model.json');
  const model = {
    factors: randomFactors(3, 2, 2, 1),
    means: Float64Array.of(1, 2, 3),
    userIds: Float64Array.of(5, 6, 7),
    itemIds: Float64Array.of(8, 9),
    titles: ['x', undefined],
  };
  saveModel(file, model);
  assert.deepEqual(loadModel(file), model);
});

test('saveModel creates the folder, replaces its own model, refuses any other file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-mf-'));
  const model = {
    factors: randomFactors(2, 2, 1, 1),
    means: Float64Array.of(1, 2),
    userIds: Float64Array.of(1, 2),
    itemIds: Float64Array.of(3, 4),
  };
  const file = path.join(dir, 'new', 'folder', 'model.json');
  saveModel(file, model);
  saveModel(file, model);
  assert.deepEqual(loadModel(file).means, model.means);
  const notes = path.join(dir, 'notes.json');
  fs.writeFileSync(notes, '{"my": "notes"}');
  assert.throws(() => saveModel(notes, model), /notes\.json: exists and is not a latentlab model/);
  assert.equal(fs.readFileSync(notes, 'utf8'), '{"my": "notes"}');
});

test('trainFactorization refuses an infinite lambda and an infinite learning rate', () => {
  const m = lowRank(5, 4, 1);
  assert.throws(
    () => trainFactorization(m, noEntries, { k: 1, lambda: Infinity, log: false }),
    /invalid lambda: Infinity; expected a finite number >= 0/,
  );
  assert.throws(
    () => trainFactorization(m, noEntries, { k: 1, learningRate: Infinity, log: false }),
    /invalid learningRate: Infinity; expected a finite number > 0/,
  );
});

test('trainFactorization refuses validation entries outside the matrix, naming row, col and size', () => {
  const m = lowRank(5, 4, 1);
  const outside = {
    rows: Int32Array.of(0, 9),
    cols: Int32Array.of(0, 1),
    values: Float64Array.of(1, 1),
  };
  assert.throws(
    () => trainFactorization(m, outside, { k: 1, log: false }),
    /validation entry 1: \(row 9, col 1\) lies outside a 5 x 4 matrix/,
  );
});

test('trainFactorization refuses evalEvery larger than maxSteps', () => {
  const m = lowRank(5, 4, 1);
  assert.throws(
    () =>
      trainFactorization(m, noEntriesWithOne(m), { k: 1, maxSteps: 5, evalEvery: 10, log: false }),
    /evalEvery 10 is larger than maxSteps 5/,
  );
});

test('trainFactorization refuses initialFactors with another k or a non-finite value', () => {
  const m = lowRank(5, 4, 1);
  const given = randomFactors(5, 4, 3);
  assert.throws(
    () => trainFactorization(m, noEntriesWithOne(m), { k: 7, initialFactors: given, log: false }),
    /initialFactors have k = 3, but the k option is 7/,
  );
  given.P[2] = NaN;
  assert.throws(
    () => trainFactorization(m, noEntriesWithOne(m), { initialFactors: given, log: false }),
    /initialFactors: P\[2\] is NaN; expected finite numbers/,
  );
});

test('trainFactorization refuses k above min(users, items) before allocating', () => {
  const m = lowRank(6, 4, 1);
  assert.throws(
    () => trainFactorization(m, noEntriesWithOne(m), { k: 1e9, log: false }),
    /random init: k = 1000000000 is larger than the matrix allows \(6 x 4: at most 4/,
  );
});

test('trainFactorization names the learning rate when SGD diverges', () => {
  const m = lowRank(20, 10, 2);
  assert.throws(
    () =>
      trainFactorization(m, noEntriesWithOne(m), {
        optimizer: 'sgd',
        k: 10,
        learningRate: 5,
        maxSteps: 50,
        log: false,
      }),
    /lower the learning rate \(now 5\)/,
  );
});

test('recommend refuses a count that is not a positive integer and means of the wrong length', () => {
  const m = lowRank(3, 4, 1);
  const factors = randomFactors(3, 4, 1);
  const means = new Float64Array(3);
  for (const count of [-3, 0, NaN, 1.5]) {
    assert.throws(
      () => recommend(factors, m, means, 0, count),
      new RegExp(`recommend: invalid count ${count}; expected an integer >= 1`),
    );
  }
  assert.throws(
    () => recommend(factors, m, new Float64Array(2), 0, 2),
    /recommend: 2 means for 3 users/,
  );
});

test('starErrors refuses no entries and entries outside the factors', () => {
  const factors = randomFactors(3, 4, 1);
  const means = new Float64Array(3);
  assert.throws(() => starErrors(noEntries, factors, means), /starErrors: no entries/);
  const outside = { rows: Int32Array.of(100), cols: Int32Array.of(0), values: Float64Array.of(1) };
  assert.throws(
    () => starErrors(outside, factors, means),
    /starErrors entry 0: \(row 100, col 0\) lies outside a 3 x 4 matrix/,
  );
});

test('mfLoss refuses factors of another size than the matrix, naming both', () => {
  const m = lowRank(6, 4, 1);
  assert.throws(
    () => mfLoss(m, randomFactors(5, 5, 3), 0.1),
    /mfLoss: matrix is 6 x 4, factors are 5 users x 5 items/,
  );
  const short = { ...randomFactors(6, 4, 2), P: new Float64Array(3) };
  assert.throws(
    () => mfLoss(m, short, 0.1),
    /mfLoss: Q holds 12 and P 3 numbers; expected 12 .* 8/,
  );
});

test('loadModel names the file and the field that is wrong', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-mf-'));
  const good = path.join(folder, 'model.json');
  saveModel(good, {
    factors: randomFactors(3, 2, 2, 1),
    means: Float64Array.of(1, 2, 3),
    userIds: Float64Array.of(5, 6, 7),
    itemIds: Float64Array.of(8, 9),
  });
  const json = JSON.parse(fs.readFileSync(good, 'utf8')) as Record<string, unknown>;
  const cases: [string, unknown, RegExp][] = [
    ['null', null, /null\.json: not a saved model: expected a JSON object, got null/],
    ['other', { hello: 1 }, /other\.json: expected format latentlab-mf version 1/],
    ['kstr', { ...json, k: '2' }, /kstr\.json: k is "2"; expected an integer >= 1/],
    ['users', { ...json, nUsers: -1 }, /users\.json: nUsers is -1; expected an integer >= 1/],
    ['qnum', { ...json, Q: 5 }, /qnum\.json: Q is 5; expected a base64 string/],
    ['q64', { ...json, Q: '!!!notbase64' }, /q64\.json: Q is "!!!notbase64"; expected a base64/],
    ['means', { ...json, means: 'AAAA' }, /means\.json: means holds 3 bytes; expected 24/],
    ['titles', { ...json, titles: 'ab' }, /titles\.json: titles is "ab"; expected an array of 2/],
    ['short', { ...json, titles: ['a'] }, /short\.json: titles is an array of 1; expected .* 2/],
  ];
  for (const [name, content, error] of cases) {
    const target = path.join(folder, `${name}.json`);
    fs.writeFileSync(target, JSON.stringify(content));
    assert.throws(() => loadModel(target), error);
  }
  assert.throws(() => loadModel(path.join(folder, 'absent.json')), /absent\.json: not found/);
  assert.throws(() => loadModel(folder), /is a folder, expected a model \.json file/);
});

/** One known entry held out as the validation set (its value kept in the matrix). */
function noEntriesWithOne(m: SparseMatrix): Entries {
  return {
    rows: Int32Array.of(0),
    cols: Int32Array.of(0),
    values: Float64Array.of(m.get(0, 0) ?? 0),
  };
}

test('trainFactorization refuses an empty validation set and a matrix with no ratings', () => {
  const m = lowRank(5, 4, 1);
  assert.throws(
    () => trainFactorization(m, noEntries, { k: 1, log: false }),
    /validation: no entries; early stopping needs held-out ratings \(give splitRatings nValidation >= 1\)/,
  );
  const empty = SparseMatrix.fromEntries(noEntries, 5, 4);
  assert.throws(
    () => trainFactorization(empty, noEntriesWithOne(m), { k: 1, log: false }),
    /train: no known ratings in the 5 x 4 matrix; expected some left after the split/,
  );
});

test('trainFactorization and mfLoss refuse a lambda that is not a number', () => {
  const m = lowRank(5, 4, 1);
  assert.throws(
    () => trainFactorization(m, noEntriesWithOne(m), { k: 1, lambda: '0.1' as never, log: false }),
    /invalid lambda: "0\.1"; expected a finite number >= 0/,
  );
  assert.throws(() => mfLoss(m, randomFactors(5, 4, 1, 0), NaN), /invalid lambda: NaN/);
  assert.throws(() => initFactors(m, '4' as never), /invalid k: "4"; expected an integer >= 1/);
});

test('SparseMatrix.fromEntries refuses a negative size and a non-finite value', () => {
  assert.throws(
    () => SparseMatrix.fromEntries(noEntries, -1, 4),
    /fromEntries: invalid number of rows: -1; expected an integer >= 0/,
  );
  const nan = { rows: Int32Array.of(0), cols: Int32Array.of(0), values: Float64Array.of(NaN) };
  assert.throws(
    () => SparseMatrix.fromEntries(nan, 1, 1),
    /fromEntries entry 0: value NaN; expected a finite number/,
  );
});

test('saveModel refuses means of the wrong length and non-finite factors; loadModel a NaN', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-mf-'));
  const file = path.join(folder, 'model.json');
  const model = {
    factors: randomFactors(3, 2, 2, 1),
    means: Float64Array.of(1, 2, 3),
    userIds: Float64Array.of(5, 6, 7),
    itemIds: Float64Array.of(8, 9),
  };
  assert.throws(
    () => saveModel(file, { ...model, means: Float64Array.of(1, 2) }),
    /saveModel model\.json: means has 2 entries; expected 3, one per user/,
  );
  const Q = Float64Array.from(model.factors.Q);
  Q[4] = NaN;
  assert.throws(
    () => saveModel(file, { ...model, factors: { ...model.factors, Q } }),
    /saveModel model\.json: Q\[4\] is NaN; expected finite numbers/,
  );
  assert.equal(fs.existsSync(file), false);

  saveModel(file, model);
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  json.means = Buffer.from(Float64Array.of(1, NaN, 3).buffer).toString('base64');
  fs.writeFileSync(file, JSON.stringify(json));
  assert.throws(() => loadModel(file), /model\.json: means\[1\] is NaN; expected finite numbers/);
});

test('saveModel names the path when it cannot write there', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-mf-'));
  const blocker = path.join(folder, 'file.json');
  fs.writeFileSync(blocker, 'x');
  const model = {
    factors: randomFactors(1, 1, 1, 1),
    means: Float64Array.of(1),
    userIds: Float64Array.of(1),
    itemIds: Float64Array.of(1),
  };
  assert.throws(
    () => saveModel(path.join(blocker, 'model.json'), model),
    /^FileError: saveModel: .*file\.json is a file, not a folder; choose a folder you can write to$/,
  );
});
