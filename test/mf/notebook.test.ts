import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pngOutputs, runAssignmentQuick } from '../notebook/assignment';

test(
  '1-matrix-factorization.ipynb runs in quick mode without errors and draws its plots',
  { timeout: 600_000 },
  async () => {
    const outputs = await runAssignmentQuick('1-matrix-factorization.ipynb');
    // Live ALS and SGD curves, the training loss, the two validation curves side by side.
    assert.equal(pngOutputs(outputs).length, 4, 'PNG figures in the executed notebook');
  },
);
