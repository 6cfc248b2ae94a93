import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pngOutputs, runAssignmentQuick } from '../notebook/assignment';

test(
  '2-autoencoder.ipynb runs in quick mode without errors and draws every plot',
  { timeout: 900_000 },
  async () => {
    const outputs = await runAssignmentQuick('2-autoencoder.ipynb');
    // Sample images, loss curve, reconstructions, PCA, t-SNE x 3, interpolations x 3.
    assert.equal(pngOutputs(outputs).length, 10, 'PNG figures in the executed notebook');
  },
);
