/**
 * Grayscale images as figures: a tiny PNG encoder, a titled grid of images (reconstructions,
 * interpolations) and images drawn as thumbnails at 2-D coordinates (PCA, t-SNE).
 *
 * Images are embedded as PNG data URIs with `image-rendering: pixelated`, so that a 28 x 28
 * image scaled up stays crisp in browsers. resvg 2.6 (figureToPng) ignores `pixelated` and
 * smooths, so the embedded PNG is also enlarged by whole pixels to about twice its drawn size:
 * the PNG fallback then stays crisp too, for a few more bytes per image.
 */
import type * as PlotTypes from '@observablehq/plot';
import { deflateSync, crc32 } from 'node:zlib';
import { arrangeFigures, escapeXml, plotFigure, plotModule, svgOpen } from './figure';
import type { Figure, LegendEntry } from './figure';
import { checkPixels, checkPositive } from './sizes';

/** One image of a grid. */
export interface GridImage {
  /** Row-major gray levels in [0, 1], `width * height` of them. */
  pixels: Float32Array;
  /** Text under the image. Default none. */
  title?: string;
}

/** Options of {@link imageGridFigure}. */
export interface ImageGridOptions {
  /** Images per row. Default: all in one row, at most 10. */
  columns?: number;
  /** Screen pixels per image pixel. Default 3. */
  scale?: number;
  /** Bold title above the grid. Default none. */
  title?: string;
  /** Width of each image in pixels. Default 28. */
  width?: number;
  /** Height of each image in pixels. Default 28. */
  height?: number;
}

/** Options of {@link thumbnailScatterFigure}. */
export interface ThumbnailScatterOptions {
  /** Bold title above the plot. Default none. */
  title?: string;
  /** Class of each image (0, 1, ...); draws a coloured frame and a legend. Default none. */
  labels?: number[];
  /** Name of each class, indexed by label. Default `class <label>`. */
  classNames?: string[];
  /** Side of each thumbnail in screen pixels. Default 24. */
  thumbnailSize?: number;
  /** Width of the plot in pixels. Default 640, or wider when the legend needs it. */
  width?: number;
  /** Height of the plot in pixels. Default 640. */
  height?: number;
  /** Width of each image in pixels. Default: the side of a square image. */
  imageWidth?: number;
  /** Height of each image in pixels. Default: `pixels.length / imageWidth`. */
  imageHeight?: number;
  /** Label of the x axis. Default `dimension 1`. */
  xLabel?: string;
  /** Label of the y axis. Default `dimension 2`. */
  yLabel?: string;
}

/** Ten distinguishable colours for classes (Tableau 10). */
export const CLASS_COLORS = [
  '#4e79a7',
  '#f28e2c',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc949',
  '#af7aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ab',
];

/**
 * Encodes a grayscale image as an 8-bit PNG. Float32 values are gray levels in [0, 1] (clamped,
 * NaN drawn black); Uint8 values are used as they are.
 */
export function grayscalePng(
  pixels: Float32Array | Uint8Array,
  width: number,
  height: number,
): Uint8Array {
  checkImageSize('grayscalePng', pixels.length, width, height);

  // 1. Each scanline starts with filter type 0 (none).
  const raw = Buffer.alloc((width + 1) * height);
  const float = pixels instanceof Float32Array;
  for (let y = 0; y < height; y++) {
    const row = y * (width + 1);
    for (let x = 0; x < width; x++) {
      const v = pixels[y * width + x];
      raw[row + 1 + x] = float ? toByte(v) : v;
    }
  }

  // 2. IHDR: size, bit depth 8, colour type 0 (gray), default compression, filter, no interlace.
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A `data:image/png;base64,...` URI of a grayscale image, for SVG `<image href>`, each pixel
 * repeated `factor` times across and down (default 1).
 */
export function grayscaleDataUri(
  pixels: Float32Array | Uint8Array,
  width: number,
  height: number,
  factor = 1,
): string {
  checkImageSize('grayscaleDataUri', pixels.length, width, height);
  const k = Math.max(1, Math.round(factor));
  const png =
    k === 1
      ? grayscalePng(pixels, width, height)
      : grayscalePng(enlarge(pixels, width, height, k), width * k, height * k);
  return 'data:image/png;base64,' + Buffer.from(png).toString('base64');
}

/** Images in a grid, left to right then top to bottom, each with its title under it. */
export function imageGridFigure(images: GridImage[], options: ImageGridOptions = {}): Figure {
  if (images.length === 0) throw new Error('imageGridFigure: no images given');
  const width = options.width ?? 28;
  const height = options.height ?? 28;
  const scale = options.scale ?? 3;
  checkPositive('imageGridFigure', 'scale', scale);
  const columns = Math.min(images.length, options.columns ?? Math.min(images.length, 10));
  if (!(columns >= 1) || !Number.isInteger(columns)) {
    throw new Error(`imageGridFigure: columns must be a positive integer, got ${columns}`);
  }

  // 1. Cell size: the scaled image, widened only for the longest word, so that grids of
  //    the same images line up whatever their titles; titles wrap at spaces below.
  const imageWidth = width * scale;
  const imageHeight = height * scale;
  const words = images.flatMap((image) => (image.title ?? '').split(/\s+/));
  const longestWord = Math.max(0, ...words.map((word) => word.length));
  const cellWidth = Math.max(imageWidth, Math.ceil(longestWord * CHAR_WIDTH)) + GAP;
  const titles = images.map((image) => wrapTitle(image.title ?? '', cellWidth - GAP));
  const titleLines = Math.max(0, ...titles.map((lines) => lines.length));
  const cellHeight = imageHeight + titleLines * TITLE_ROW + GAP;
  const rows = Math.ceil(images.length / columns);
  const figureWidth = columns * cellWidth + GAP;
  const figureHeight = rows * cellHeight + GAP;

  // 2. One <image> per cell, centred, with its title below.
  let body = '';
  images.forEach((image, i) => {
    checkImageSize(`imageGridFigure: image ${i}`, image.pixels.length, width, height);
    const left = GAP + (i % columns) * cellWidth;
    const top = GAP + Math.floor(i / columns) * cellHeight;
    const x = left + (cellWidth - GAP - imageWidth) / 2;
    body += imageElement(
      grayscaleDataUri(image.pixels, width, height, enlargement(imageWidth, width)),
      x,
      top,
      imageWidth,
      imageHeight,
    );
    titles[i].forEach((line, j) => {
      body +=
        `<text x="${left + (cellWidth - GAP) / 2}" y="${top + imageHeight + 14 + j * TITLE_ROW}" ` +
        `text-anchor="middle" fill="black">${escapeXml(line)}</text>`;
    });
  });
  const grid = {
    svg: svgOpen(figureWidth, figureHeight) + body + '</svg>',
    width: figureWidth,
    height: figureHeight,
  };
  // arrangeFigures with one figure adds the title the same way plotFigure does.
  return options.title ? arrangeFigures([grid], { title: options.title }) : grid;
}

/**
 * Images drawn as thumbnails centred at their 2-D coordinates (`rows x 2`, row-major), on axes.
 * With `labels`, each thumbnail gets a frame in its class colour and the plot a legend.
 */
export function thumbnailScatterFigure(
  coordinates: Float64Array,
  images: Float32Array[],
  options: ThumbnailScatterOptions = {},
): Figure {
  const n = images.length;
  if (coordinates.length !== 2 * n) {
    throw new Error(
      `thumbnailScatterFigure: ${n} images need ${2 * n} coordinates (rows x 2), ` +
        `got ${coordinates.length}`,
    );
  }
  if (n === 0) throw new Error('thumbnailScatterFigure: no images given');
  const { labels, classNames } = options;
  if (labels && labels.length !== n) {
    throw new Error(`thumbnailScatterFigure: ${n} images but ${labels.length} labels`);
  }
  const size = options.thumbnailSize ?? 24;
  checkPositive('thumbnailScatterFigure', 'thumbnailSize', size);
  if (options.width !== undefined) checkPixels('thumbnailScatterFigure', 'width', options.width);
  const height = options.height ?? 640;
  checkPixels('thumbnailScatterFigure', 'height', height);
  const imageWidth = options.imageWidth ?? Math.round(Math.sqrt(images[0].length));
  const imageHeight = options.imageHeight ?? images[0].length / imageWidth;

  // 1. One datum per image: its position, its PNG and its class.
  const points = images.map((pixels, i) => {
    checkImageSize(`thumbnailScatterFigure: image ${i}`, pixels.length, imageWidth, imageHeight);
    const x = coordinates[2 * i];
    const y = coordinates[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new Error(
        `thumbnailScatterFigure: coordinates of image ${i} are not finite: ${x}, ${y}`,
      );
    }
    const label = labels ? labels[i] : undefined;
    const src = grayscaleDataUri(pixels, imageWidth, imageHeight, enlargement(size, imageWidth));
    return { x, y, src, label };
  });

  // 2. Classes present, in label order, with their colour and legend entry.
  const classes = labels ? [...new Set(labels)].sort((a, b) => a - b) : [];
  const colorOf = (label: number) => CLASS_COLORS[classes.indexOf(label) % CLASS_COLORS.length];
  const legend: LegendEntry[] = classes.map((label) => ({
    label: classNames?.[label] ?? `class ${label}`,
    color: colorOf(label),
  }));

  // 3. With classes, a square in the class colour behind each thumbnail shows as its frame
  //    (d3's square symbol of radius r has side r * sqrt(pi)); then the thumbnails.
  const Plot = plotModule();
  const marks: PlotTypes.Markish[] = [Plot.frame({ stroke: '#ccc' })];
  if (labels) {
    marks.push(
      Plot.dot(points, {
        x: 'x',
        y: 'y',
        symbol: 'square',
        r: (size + 2 * FRAME) / Math.sqrt(Math.PI),
        fill: (d: { label: number }) => colorOf(d.label),
      }),
    );
  }
  marks.push(
    Plot.image(points, {
      x: 'x',
      y: 'y',
      src: (d: { src: string }) => d.src,
      width: size,
      height: size,
      imageRendering: 'pixelated',
    }),
  );
  return plotFigure({
    title: options.title,
    legend: legend.length > 0 ? legend : undefined,
    width: options.width ?? Math.max(640, legendWidth(legend)),
    height,
    inset: size / 2 + FRAME + 2,
    x: { label: options.xLabel ?? 'dimension 1' },
    y: { label: options.yLabel ?? 'dimension 2' },
    marks,
  });
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Words of a title joined into lines that fit `width` pixels (a longer word stays whole). */
function wrapTitle(title: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of title.split(/\s+/).filter((w) => w !== '')) {
    const last = lines.length - 1;
    if (last >= 0 && (lines[last].length + 1 + word.length) * CHAR_WIDTH <= width) {
      lines[last] += ` ${word}`;
    } else {
      lines.push(word);
    }
  }
  return lines;
}

const CHAR_WIDTH = 6.5;
const GAP = 8;
const TITLE_ROW = 18;
const FRAME = 1.5;

/** A PNG chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** The width figure.ts's one-row swatch legend takes (6.5 px a character, as it estimates). */
function legendWidth(legend: LegendEntry[]): number {
  return Math.ceil(8 + legend.reduce((sum, { label }) => sum + 30 + label.length * CHAR_WIDTH, 0));
}

/** The whole-pixel factor that makes an image about twice as large as it is drawn, at most 8. */
function enlargement(drawnWidth: number, width: number): number {
  return Math.min(8, Math.max(1, Math.ceil((2 * drawnWidth) / width)));
}

/** Nearest-neighbour enlargement by a whole factor. */
function enlarge(pixels: Float32Array | Uint8Array, width: number, height: number, k: number) {
  const out =
    pixels instanceof Float32Array
      ? new Float32Array(pixels.length * k * k)
      : new Uint8Array(pixels.length * k * k);
  const outWidth = width * k;
  for (let y = 0; y < height * k; y++) {
    const from = Math.floor(y / k) * width;
    for (let x = 0; x < outWidth; x++) out[y * outWidth + x] = pixels[from + Math.floor(x / k)];
  }
  return out;
}

function toByte(v: number): number {
  return v > 0 ? (v < 1 ? Math.round(v * 255) : 255) : 0;
}

function imageElement(href: string, x: number, y: number, w: number, h: number): string {
  return (
    `<image x="${x}" y="${y}" width="${w}" height="${h}" preserveAspectRatio="none" ` +
    `image-rendering="pixelated" style="image-rendering: pixelated" href="${href}"/>`
  );
}

function checkImageSize(where: string, length: number, width: number, height: number): void {
  if (!(width >= 1) || !(height >= 1) || !Number.isInteger(width) || !Number.isInteger(height)) {
    throw new Error(`${where}: width and height must be positive integers, got ${width}x${height}`);
  }
  if (length !== width * height) {
    throw new Error(
      `${where}: a ${width}x${height} image has ${width * height} pixels, got ${length}`,
    );
  }
}
