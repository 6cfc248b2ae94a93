import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arrangeFigures, figureToPng, plotFigure, plotModule, showFigure } from '../../lib';

function lineFigure(title?: string) {
  const Plot = plotModule();
  return plotFigure({
    title,
    legend: title ? [{ label: 'train <1>', color: 'steelblue' }] : undefined,
    width: 300,
    height: 200,
    marks: [Plot.lineY([3, 1, 2])],
  });
}

test('plotFigure() returns a standalone SVG: namespaces, size, no currentColor', () => {
  const figure = lineFigure();
  assert.match(figure.svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(figure.svg, /^<svg[^>]*xmlns:xlink=/);
  assert.doesNotMatch(figure.svg, /currentColor/);
  assert.equal(figure.width, 300);
  assert.equal(figure.height, 200);
});

test('plotFigure({title, legend}) draws both inside the SVG, escaped', () => {
  const figure = lineFigure('Loss & <friends>');
  assert.ok(figure.svg.includes('Loss &#38; &#60;friends&#62;'));
  assert.ok(figure.svg.includes('train &#60;1&#62;'));
  assert.ok(figure.height > 200, 'title and legend add height');
  assert.doesNotMatch(figure.svg, /<figure|<h2|<div/);
});

test('arrangeFigures() places figures side by side under one title', () => {
  const one = lineFigure();
  const both = arrangeFigures([one, one, one], { columns: 2, title: 'Grid', gap: 10 });
  assert.equal(both.width, 2 * 300 + 10);
  assert.ok(both.height >= 2 * 200 + 10);
  assert.equal((both.svg.match(/<svg x=/g) ?? []).length, 3 + 1);
  assert.throws(() => arrangeFigures([]), /no figures/);
});

test('figureToPng() renders at twice the CSS size by default', () => {
  const png = figureToPng(lineFigure('PNG'));
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
  const view = Buffer.from(png);
  assert.equal(view.readUInt32BE(16), 600);
});

test('showFigure() outside a notebook prints one line instead of failing', (t) => {
  const lines: string[] = [];
  t.mock.method(console, 'log', (line: string) => lines.push(line));
  showFigure(lineFigure(), 'loss curve');
  assert.equal(lines.length, 1);
  assert.match(lines[0], /loss curve: 300x200 SVG/);
});
