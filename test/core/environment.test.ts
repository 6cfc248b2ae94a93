import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEnvironment } from '../../lib';

test('describeEnvironment() names the backend, the data sets and quick mode', async () => {
  const rows = await describeEnvironment();
  const byName = new Map(rows.map((r) => [r.name, r.value]));
  assert.equal(byName.get('Node.js'), process.version);
  assert.equal(byName.get('tslab'), 'not in a notebook');
  assert.match(byName.get('TensorFlow.js backend') ?? '', /^(tensorflow-gpu|tensorflow|wasm|cpu) /);
  for (const name of ['Fashion-MNIST', 'MovieLens latest-small', 'homework ratings.npy']) {
    assert.ok(byName.has(name), name);
  }
  assert.match(byName.get('quick mode (LATENTLAB_QUICK)') ?? '', /^(on|off)$/);
});
