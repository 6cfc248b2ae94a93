/**
 * Showing figures in a tslab notebook. Each figure goes out as one display bundle holding
 * SVG (sharp in JupyterLab), PNG (what nbconvert's LaTeX route keeps; it drops HTML and
 * needs Inkscape for SVG) and a plain-text caption.
 */
import * as path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import type { Figure } from './figure';

/** The largest `scale` figureToPng takes. */
export const MAX_PNG_SCALE = 8;
/** The most pixels figureToPng renders; 50 megapixels is about 200 MB while rendering. */
export const MAX_PNG_MEGAPIXELS = 50;

/** What tslab's kernel sends for one display_data message. */
interface DisplayMessage {
  data: Record<string, string>;
  metadata: Record<string, unknown>;
  transient: Record<string, unknown>;
}
type WriteDisplayData = (message: DisplayMessage, update: boolean) => void;

/**
 * Renders a figure to PNG bytes at `scale` times its CSS size (default 2, for print): a number
 * in (0, 8] that gives at least 1 x 1 and at most 50 megapixels.
 */
export function figureToPng(figure: Figure, scale = 2): Uint8Array {
  checkPngSize(figure, scale);
  // resvg ignores CSS `image-rendering: pixelated` but keeps the SVG 1.1 keyword's pixels.
  const svg = figure.svg.replace(/image-rendering:\s*pixelated/g, 'image-rendering: optimizeSpeed');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/**
 * Displays a figure in the running notebook, or, outside a kernel, prints one line saying
 * what would have been shown. `id` replaces an earlier display with the same id in place
 * (for live plots that redraw while training).
 */
export function showFigure(figure: Figure, caption = 'figure', id?: string): void {
  const write = kernelDisplayWriter();
  if (!write) {
    console.log(`[${caption}: ${figure.width}x${figure.height} SVG, shown in a notebook]`);
    return;
  }
  const png = Buffer.from(figureToPng(figure)).toString('base64');
  const update = id !== undefined && shownIds.has(id);
  if (id !== undefined) shownIds.add(id);
  write(
    {
      data: { 'image/svg+xml': figure.svg, 'image/png': png, 'text/plain': `[${caption}]` },
      metadata: { 'image/png': { width: figure.width, height: figure.height } },
      transient: id === undefined ? {} : { display_id: id },
    },
    update,
  );
}

/** Shows markdown (tables, headings) in the notebook, or prints it outside one. */
export function showMarkdown(markdown: string): void {
  const write = kernelDisplayWriter();
  if (!write) {
    console.log(markdown);
    return;
  }
  write(
    { data: { 'text/markdown': markdown, 'text/plain': markdown }, metadata: {}, transient: {} },
    false,
  );
}

/** True inside a running tslab kernel. */
export function inNotebook(): boolean {
  return kernelDisplayWriter() !== undefined;
}

const shownIds = new Set<string>();

/** Rejects a scale or figure size that resvg would fail on or need gigabytes for. */
function checkPngSize(figure: Figure, scale: number): void {
  if (!(scale > 0 && scale <= MAX_PNG_SCALE)) {
    throw new RangeError(
      `figureToPng: invalid scale: ${scale}; expected a number in (0, ${MAX_PNG_SCALE}]`,
    );
  }
  const width = Math.round(figure.width * scale);
  const height = Math.round(figure.height * scale);
  const size = `a ${figure.width}x${figure.height} figure at scale ${scale}`;
  if (!(width >= 1 && height >= 1)) {
    throw new RangeError(
      `figureToPng: ${size} is ${width}x${height} pixels; expected at least 1x1 ` +
        '(raise scale, or give the figure a width and height >= 1)',
    );
  }
  const megapixels = (width * height) / 1e6;
  if (megapixels > MAX_PNG_MEGAPIXELS) {
    throw new RangeError(
      `figureToPng: ${size} is ${width}x${height} pixels (${megapixels.toFixed(0)} ` +
        `megapixels); expected at most ${MAX_PNG_MEGAPIXELS} (lower scale or the figure's size)`,
    );
  }
}

/**
 * tslab keeps the writer for the executing cell in its `jupyter` module. Its public API
 * sends one MIME type per message, so we reach for the writer itself: first the copy of
 * tslab that is running as the kernel (it may be a global install), then ours.
 */
function kernelDisplayWriter(): WriteDisplayData | undefined {
  const candidates: string[] = [];
  const main = require.main?.filename;
  if (main) candidates.push(path.resolve(path.dirname(main), '..', 'dist', 'jupyter.js'));
  candidates.push('tslab/dist/jupyter');
  for (const candidate of candidates) {
    try {
      // The kernel's own copy is only known at run time, so this require stays dynamic.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const jupyter = require(candidate) as { lastWriteDisplayData?: WriteDisplayData };
      if (typeof jupyter.lastWriteDisplayData === 'function') return jupyter.lastWriteDisplayData;
    } catch {
      // not this one; try the next
    }
  }
  return undefined;
}
