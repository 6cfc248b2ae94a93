/**
 * Observable Plot rendered in Node to one standalone SVG: namespaces set, no `currentColor`
 * left, the title and a swatch legend drawn inside the SVG instead of in an HTML <figure>.
 */
// Plot is ESM-only; Node 20.19+ can require() it (package.json "engines").
import * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';
import { checkPixels } from './sizes';

/** A standalone SVG picture with its size in CSS pixels. */
export interface Figure {
  svg: string;
  width: number;
  height: number;
}

/** One entry of a swatch legend drawn above the plot. */
export interface LegendEntry {
  label: string;
  color: string;
}

/** Plot options plus the parts we draw ourselves. */
export interface FigureOptions extends Omit<Plot.PlotOptions, 'title' | 'document'> {
  /** Bold title above the plot. Default none. */
  title?: string;
  /** Colour swatches with labels between the title and the plot. Default none. */
  legend?: LegendEntry[];
}

export const FONT_FAMILY = 'DejaVu Sans, Verdana, sans-serif';
const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';
const TITLE_HEIGHT = 24;
const LEGEND_HEIGHT = 20;

let sharedDocument: Document | undefined;

/** The Observable Plot module, for building marks in a notebook without importing it. */
export function plotModule(): typeof Plot {
  return Plot;
}

/** Renders Plot options to a standalone SVG figure; `width` and `height` must be >= 1. */
export function plotFigure(options: FigureOptions): Figure {
  const { title, legend, ...plotOptions } = options;
  if (plotOptions.width !== undefined) checkPixels('plotFigure', 'width', plotOptions.width);
  if (plotOptions.height !== undefined) checkPixels('plotFigure', 'height', plotOptions.height);
  const element = Plot.plot({
    ...plotOptions,
    document: documentForPlot(),
    style: { color: 'black', background: 'white', fontFamily: FONT_FAMILY },
  });
  if (element.tagName.toLowerCase() !== 'svg') {
    throw new Error(
      'plotFigure: Plot returned an HTML <figure>; pass title and legend to plotFigure ' +
        'instead of to Plot (they are drawn inside the SVG)',
    );
  }
  const width = Number(element.getAttribute('width'));
  const height = Number(element.getAttribute('height'));
  const inner = standalone(element.outerHTML, width, height);
  return decorate({ svg: inner, width, height }, title, legend);
}

/**
 * Places figures in a grid, left to right then top to bottom, under an optional title.
 * Cells take the size of the largest figure.
 */
export function arrangeFigures(
  figures: Figure[],
  options: { columns?: number; title?: string; gap?: number } = {},
): Figure {
  if (figures.length === 0) throw new Error('arrangeFigures: no figures given');
  const requested = options.columns ?? figures.length;
  if (!(requested >= 1) || !Number.isInteger(requested)) {
    throw new RangeError(`arrangeFigures: invalid columns: ${requested}; expected an integer >= 1`);
  }
  const columns = Math.min(requested, figures.length);
  const gap = options.gap ?? 12;
  if (!(gap >= 0) || !Number.isFinite(gap)) {
    throw new RangeError(`arrangeFigures: invalid gap: ${gap}; expected a finite number >= 0`);
  }
  const cellWidth = Math.max(...figures.map((f) => f.width));
  const cellHeight = Math.max(...figures.map((f) => f.height));
  const rows = Math.ceil(figures.length / columns);
  const width = columns * cellWidth + (columns - 1) * gap;
  const height = rows * cellHeight + (rows - 1) * gap;
  const cells = figures.map((figure, i) => {
    const x = (i % columns) * (cellWidth + gap);
    const y = Math.floor(i / columns) * (cellHeight + gap);
    return nest(figure, x, y);
  });
  const body = standalone(svgOpen(width, height) + cells.join('') + '</svg>', width, height);
  return decorate({ svg: body, width, height }, options.title, undefined);
}

/** Escapes text for use inside SVG elements and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An opening <svg> tag with both namespaces and a white background. */
export function svgOpen(width: number, height: number): string {
  return (
    `<svg xmlns="${SVG_NS}" xmlns:xlink="${XLINK_NS}" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}" font-size="11">` +
    `<rect width="100%" height="100%" fill="white"/>`
  );
}

/** Adds a title and a legend above a figure, growing it downwards. */
function decorate(figure: Figure, title?: string, legend?: LegendEntry[]): Figure {
  const width = figure.width;
  const top = (title ? TITLE_HEIGHT : 0) + legendRows(legend, width) * LEGEND_HEIGHT;
  if (top === 0) return figure;
  const height = figure.height + top;
  let head = '';
  if (title) {
    head +=
      `<text x="${width / 2}" y="17" text-anchor="middle" font-size="14" font-weight="bold" ` +
      `fill="black">${escapeXml(title)}</text>`;
  }
  if (legend && legend.length > 0) head += swatches(legend, title ? TITLE_HEIGHT : 0, width);
  const svg = svgOpen(width, height) + head + nest(figure, 0, top) + '</svg>';
  return { svg, width, height };
}

/** Swatches laid out left to right, wrapping onto new rows at the figure's width. */
function swatches(legend: LegendEntry[], top: number, width: number): string {
  let out = '';
  for (const { label, color, x, row } of legendLayout(legend, width)) {
    const y = top + row * LEGEND_HEIGHT;
    out +=
      `<rect x="${x}" y="${y + 4}" width="12" height="12" fill="${escapeXml(color)}"/>` +
      `<text x="${x + 16}" y="${y + 14}" fill="black">${escapeXml(label)}</text>`;
  }
  return out;
}

function legendLayout(legend: LegendEntry[], width: number) {
  let x = 8;
  let row = 0;
  return legend.map(({ label, color }) => {
    // No text metrics in Node; 6.5 px a character is DejaVu Sans at 11 px.
    const size = 16 + label.length * 6.5 + 14;
    if (x > 8 && x + size > width) {
      x = 8;
      row += 1;
    }
    const placed = { label, color, x, row };
    x += size;
    return placed;
  });
}

function legendRows(legend: LegendEntry[] | undefined, width: number): number {
  if (!legend || legend.length === 0) return 0;
  return Math.max(...legendLayout(legend, width).map((entry) => entry.row)) + 1;
}

/** Places a whole figure at (x, y) inside another SVG as a nested <svg>. */
function nest(figure: Figure, x: number, y: number): string {
  return figure.svg.replace(/^<svg\b/, `<svg x="${x}" y="${y}"`);
}

/** Namespaces on the root, no `currentColor` left, explicit size. */
function standalone(svg: string, width: number, height: number): string {
  let out = svg.replace(/currentColor/g, 'black');
  if (!/^<svg[^>]*\sxmlns=/.test(out)) out = out.replace(/^<svg\b/, `<svg xmlns="${SVG_NS}"`);
  if (!/^<svg[^>]*\sxmlns:xlink=/.test(out)) {
    out = out.replace(/^<svg\b/, `<svg xmlns:xlink="${XLINK_NS}"`);
  }
  if (!/^<svg[^>]*\swidth=/.test(out)) out = out.replace(/^<svg\b/, `<svg width="${width}"`);
  if (!/^<svg[^>]*\sheight=/.test(out)) out = out.replace(/^<svg\b/, `<svg height="${height}"`);
  return out;
}

function documentForPlot(): Document {
  sharedDocument ??= new JSDOM('<!DOCTYPE html><html><body></body></html>').window.document;
  return sharedDocument;
}
