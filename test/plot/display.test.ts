import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figureToPng } from '../../lib/plot/display';
import { arrangeFigures, plotFigure, svgOpen } from '../../lib/plot/figure';
import type { Figure } from '../../lib/plot/figure';

/** An empty white figure of the given size. */
function blank(width: number, height: number): Figure {
  return { svg: svgOpen(width, height) + '</svg>', width, height };
}

function pngSize(png: Uint8Array): [number, number] {
  const bytes = Buffer.from(png);
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

test('figureToPng(figure, scale) renders scale times the size, up to scale 8', () => {
  assert.deepEqual(pngSize(figureToPng(blank(20, 10), 0.5)), [10, 5]);
  assert.deepEqual(pngSize(figureToPng(blank(20, 10), 8)), [160, 80]);
});

test('figureToPng rejects a scale that is not in (0, 8] before rendering', () => {
  for (const scale of [200, 8.5, 0, -1, NaN, Infinity]) {
    assert.throws(
      () => figureToPng(blank(640, 320), scale),
      new RegExp(
        `^RangeError: figureToPng: invalid scale: ${scale}; expected a number in \\(0, 8\\]$`,
      ),
    );
  }
});

test('figureToPng rejects a figure that would render to no pixels or over 50 megapixels', () => {
  assert.throws(
    () => figureToPng(blank(1, 1), 0.1),
    /a 1x1 figure at scale 0\.1 is 0x0 pixels; expected at least 1x1/,
  );
  assert.throws(() => figureToPng(blank(0, 10)), /is 0x20 pixels; expected at least 1x1/);
  assert.throws(
    () => figureToPng(blank(8000, 4000)),
    /a 8000x4000 figure at scale 2 is 16000x8000 pixels \(128 megapixels\); expected at most 50/,
  );
});

test('arrangeFigures rejects columns and gap that would give a figure of size NaN', () => {
  const figures = [blank(10, 10), blank(10, 10)];
  for (const columns of [0, NaN, 1.5]) {
    assert.throws(
      () => arrangeFigures(figures, { columns }),
      new RegExp(`invalid columns: ${columns}; expected an integer >= 1`),
    );
  }
  assert.throws(() => arrangeFigures(figures, { gap: -1 }), /invalid gap: -1; expected a finite/);
  assert.equal(arrangeFigures(figures, { columns: 5 }).width, 2 * 10 + 12);
});

test('plotFigure rejects a width or height that Plot would draw as an empty SVG', () => {
  assert.throws(() => plotFigure({ width: 0, marks: [] }), /plotFigure: invalid width: 0/);
  assert.throws(() => plotFigure({ height: -1, marks: [] }), /plotFigure: invalid height: -1/);
});
