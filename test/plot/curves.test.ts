import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figureToPng } from '../../lib/plot/display';
import { compareCurvesFigure, liveProgress, lossCurveFigure } from '../../lib/plot/curves';
import type { Progress } from '../../lib/train/progress';
import { assertSnapshot } from './snapshot';

/** Ten reports of a trainer whose losses fall as 1 / step. */
function history(scale = 1, steps = 10): Progress[] {
  return Array.from({ length: steps }, (_, i) => ({
    step: i + 1,
    elapsedSeconds: 0.5 * (i + 1),
    losses: { train: scale / (i + 1), validation: (1.5 * scale) / (i + 1) + 0.1 },
  }));
}

function pngSize(png: Uint8Array): [number, number] {
  const bytes = Buffer.from(png);
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

/** Pretends to be inside tslab: collects what showFigure would send to the notebook. */
function fakeNotebook(): { sent: { id: unknown; update: boolean }[]; restore: () => void } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
  const sent: { id: unknown; update: boolean }[] = [];
  jupyter.lastWriteDisplayData = (
    message: { transient: { display_id?: string } },
    update: boolean,
  ) => sent.push({ id: message.transient.display_id, update });
  return { sent, restore: () => (jupyter.lastWriteDisplayData = null) };
}

test('lossCurveFigure draws one line per loss with a legend', () => {
  const figure = lossCurveFigure(history(), { title: 'ALS', width: 400, height: 240 });
  assert.match(figure.svg, /^<svg[^>]* xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.doesNotMatch(figure.svg, /currentColor/);
  assert.equal(figure.svg.match(/aria-label="line"/g)?.length, 1);
  assert.equal(figure.svg.match(/<path stroke="#[0-9a-f]{6}" d="M/g)?.length, 2);
  assert.match(figure.svg, />train</);
  assert.match(figure.svg, />validation</);
  assertSnapshot('loss-curve', figure.svg);
  assert.deepEqual(pngSize(figureToPng(figure)), [2 * figure.width, 2 * figure.height]);
});

test('lossCurveFigure with losses draws only those, labelled on the y axis', () => {
  const figure = lossCurveFigure(history(), { losses: ['validation'], xLabel: 'epoch' });
  assert.equal(figure.svg.match(/<path stroke="#[0-9a-f]{6}" d="M/g)?.length, 1);
  assert.doesNotMatch(figure.svg, />train</);
  assert.match(figure.svg, /validation/);
  assert.match(figure.svg, /epoch/);
});

test('lossCurveFigure with logY draws a log axis and leaves out values <= 0', () => {
  const reports = history();
  reports[3] = { ...reports[3], losses: { train: 0, validation: -1 } };
  const figure = lossCurveFigure(reports, { logY: true });
  assert.doesNotMatch(figure.svg, /NaN/);
  assertSnapshot('loss-curve-log', figure.svg);
});

test('lossCurveFigure rejects an empty history and an unknown loss name', () => {
  assert.throws(() => lossCurveFigure([]), /lossCurveFigure: the history is empty/);
  assert.throws(
    () => lossCurveFigure(history(), { losses: ['test'] }),
    /no loss named 'test' in the history; it has train, validation/,
  );
});

test('lossCurveFigure and compareCurvesFigure reject a width or height below 1 pixel', () => {
  for (const width of [0, -5, NaN, Infinity, 0.5]) {
    assert.throws(
      () => lossCurveFigure(history(), { width }),
      new RegExp(`lossCurveFigure: invalid width: ${width}; expected a finite number >= 1`),
    );
  }
  assert.throws(() => lossCurveFigure(history(), { height: 0 }), /invalid height: 0/);
  const series = [{ name: 'ALS', history: history(), loss: 'train' }];
  assert.throws(
    () => compareCurvesFigure(series, { width: 0 }),
    /compareCurvesFigure: invalid width: 0/,
  );
});

test('compareCurvesFigure puts one panel per trainer side by side', () => {
  const figure = compareCurvesFigure(
    [
      { name: 'ALS', history: history(1), loss: 'validation' },
      { name: 'SGD', history: history(3), loss: 'validation' },
    ],
    { title: 'Validation loss', sameY: true },
  );
  assert.doesNotMatch(figure.svg, /currentColor/);
  for (const title of ['ALS', 'SGD', 'Validation loss'])
    assert.match(figure.svg, new RegExp(`>${title}<`));
  assert.equal(figure.width, 2 * 400 + 12);
  assertSnapshot('compare-curves', figure.svg);
  assert.deepEqual(pngSize(figureToPng(figure)), [2 * figure.width, 2 * figure.height]);
});

test('liveProgress outside a notebook logs one line per report and keeps the history', (t) => {
  const log = t.mock.method(console, 'log', () => undefined);
  const live = liveProgress({ title: 'SGD', xLabel: 'epoch' });
  for (const report of history(1, 3)) live(report);
  assert.equal(live.history.length, 3);
  assert.deepEqual(
    log.mock.calls.map((c) => c.arguments[0]),
    [
      'epoch 1  0.5 s  train 1.0000  validation 1.6000',
      'epoch 2  1.0 s  train 0.5000  validation 0.8500',
      'epoch 3  1.5 s  train 0.3333  validation 0.6000',
    ],
  );
});

test('liveProgress in a notebook redraws in place every `every` reports, one id per instance', (t) => {
  t.mock.method(console, 'log', () => undefined);
  const notebook = fakeNotebook();
  try {
    const first = liveProgress({ title: 'ALS', every: 2, log: false });
    for (const report of history(1, 5)) first(report);
    const second = liveProgress({ title: 'SGD' });
    second(history()[0]);
    // Reports 1, 3 and 5 draw the first plot; the first draw is new, later ones update it.
    assert.deepEqual(
      notebook.sent.map((s) => s.update),
      [false, true, true, false],
    );
    const [a, b, c, d] = notebook.sent.map((s) => s.id);
    assert.ok(typeof a === 'string' && a === b && b === c);
    assert.notEqual(d, a);
  } finally {
    notebook.restore();
  }
});

test('liveProgress rejects an `every` that is not a positive integer', () => {
  assert.throws(
    () => liveProgress({ title: 'x', every: 0 }),
    /every must be a positive integer, got 0/,
  );
});
