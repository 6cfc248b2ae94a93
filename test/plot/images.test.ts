import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, inflateSync } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import { figureToPng } from '../../lib/plot/display';
import { grayscalePng, imageGridFigure, thumbnailScatterFigure } from '../../lib/plot/images';
import { assertSnapshot } from './snapshot';

/** The chunks of a PNG, each checked against its CRC. */
function chunks(png: Uint8Array): { type: string; data: Buffer }[] {
  const bytes = Buffer.from(png);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    assert.equal(
      bytes.readUInt32BE(at + 8 + length),
      crc32(bytes.subarray(at + 4, at + 8 + length)),
    );
    out.push({ type, data });
    at += 12 + length;
  }
  return out;
}

/** Width and height from a PNG's IHDR. */
function pngSize(png: Uint8Array): [number, number] {
  const bytes = Buffer.from(png);
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

/** A 28 x 28 test image: a bright square of side 2k + 4 in the middle, a gradient elsewhere. */
function square(k: number, side = 28): Float32Array {
  const pixels = new Float32Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const inside = Math.abs(x - side / 2) < k + 2 && Math.abs(y - side / 2) < k + 2;
      pixels[y * side + x] = inside ? 1 : (0.3 * x) / side;
    }
  }
  return pixels;
}

test('grayscalePng writes signature, IHDR, IDAT and IEND with valid CRCs', () => {
  const png = grayscalePng(new Uint8Array(12), 4, 3);
  const parts = chunks(png);
  assert.deepEqual(
    parts.map((c) => c.type),
    ['IHDR', 'IDAT', 'IEND'],
  );
  const header = parts[0].data;
  assert.equal(header.readUInt32BE(0), 4);
  assert.equal(header.readUInt32BE(4), 3);
  assert.deepEqual([...header.subarray(8)], [8, 0, 0, 0, 0]); // 8-bit gray, no interlace
});

test('grayscalePng stores Uint8 as is and Float32 clamped to [0, 1] scaled to 0..255', () => {
  const float = Float32Array.from([-0.5, 0, 0.5, 1, 1.5, NaN]);
  const bytes = Uint8Array.from([0, 1, 127, 128, 254, 255]);
  for (const [pixels, expected] of [
    [float, [0, 0, 128, 255, 255, 0]],
    [bytes, [0, 1, 127, 128, 254, 255]],
  ] as const) {
    const idat = chunks(grayscalePng(pixels, 3, 2)).find((c) => c.type === 'IDAT');
    assert.ok(idat);
    // Each scanline is a filter byte (0) and 3 pixels.
    const raw = inflateSync(idat.data);
    assert.deepEqual([...raw], [0, ...expected.slice(0, 3), 0, ...expected.slice(3)]);
  }
});

test('grayscalePng output decodes in resvg to the same pixels', () => {
  const pixels = Uint8Array.from({ length: 20 }, (_, i) => i * 13);
  const uri = 'data:image/png;base64,' + Buffer.from(grayscalePng(pixels, 5, 4)).toString('base64');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="5" height="4">` +
    `<image width="5" height="4" href="${uri}"/></svg>`;
  const rgba = new Resvg(svg).render().pixels;
  const red = Array.from({ length: 20 }, (_, i) => rgba[4 * i]);
  assert.deepEqual(red, [...pixels]);
});

test('grayscalePng rejects a pixel count that does not match width x height', () => {
  assert.throws(
    () => grayscalePng(new Float32Array(10), 4, 3),
    /a 4x3 image has 12 pixels, got 10/,
  );
  assert.throws(() => grayscalePng(new Float32Array(0), 0, 0), /positive integers, got 0x0/);
});

test('imageGridFigure draws one pixelated <image> per image with its title', () => {
  const images = [0, 1, 2, 3, 4].map((k) => ({ pixels: square(k), title: `${k * 25}% <a&b>` }));
  const figure = imageGridFigure(images, { columns: 3, title: 'Interpolation' });
  assert.match(figure.svg, /^<svg[^>]* xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.doesNotMatch(figure.svg, /currentColor/);
  assert.equal(figure.svg.match(/<image /g)?.length, 5);
  assert.equal(figure.svg.match(/image-rendering: pixelated/g)?.length, 5);
  assert.equal(figure.svg.match(/href="data:image\/png;base64,/g)?.length, 5);
  assert.match(figure.svg, />75% &#60;a&#38;b&#62;</);
  assert.match(figure.svg, />Interpolation</);
  assertSnapshot('image-grid', figure.svg);
  assert.deepEqual(pngSize(figureToPng(figure)), [2 * figure.width, 2 * figure.height]);
});

test('imageGridFigure wraps long titles at spaces so grids line up whatever the titles', () => {
  const pixels = new Float32Array(784);
  const short = imageGridFigure(
    [
      { pixels, title: '0%' },
      { pixels, title: '100%' },
    ],
    { scale: 2 },
  );
  const long = imageGridFigure(
    [
      { pixels, title: '#0 Ankle boot' },
      { pixels, title: '#1 Pullover' },
    ],
    { scale: 2 },
  );
  assert.equal(long.width, short.width);
  assert.ok(long.svg.includes('>#0 Ankle<') && long.svg.includes('>boot<'));
  assert.ok(long.height > short.height, 'a second title line adds height');
});

test('imageGridFigure rejects an image of the wrong size, naming it', () => {
  const images = [{ pixels: square(1) }, { pixels: new Float32Array(100) }];
  assert.throws(
    () => imageGridFigure(images),
    /imageGridFigure: image 1: a 28x28 image has 784 pixels, got 100/,
  );
  assert.throws(() => imageGridFigure([]), /no images given/);
});

test('imageGridFigure rejects a scale that is not a finite number > 0', () => {
  for (const scale of [Infinity, 0, -1, NaN]) {
    assert.throws(
      () => imageGridFigure([{ pixels: square(2) }], { scale }),
      new RegExp(`imageGridFigure: invalid scale: ${scale}; expected a finite number > 0`),
    );
  }
});

test('imageGridFigure honours width and height of non-square images', () => {
  const figure = imageGridFigure([{ pixels: new Float32Array(6) }], { width: 3, height: 2 });
  assert.equal(figure.svg.match(/<image /g)?.length, 1);
});

test('thumbnailScatterFigure draws each image at its coordinates with a class legend', () => {
  const coordinates = Float64Array.from([0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.5, 2, 2]);
  const images = [0, 1, 2, 3, 4, 5].map((k) => square(k % 4));
  const figure = thumbnailScatterFigure(coordinates, images, {
    title: 't-SNE, perplexity 30',
    labels: [0, 0, 1, 1, 2, 2],
    classNames: ['T-shirt/top', 'Trouser', 'Pullover'],
    width: 320,
    height: 320,
  });
  assert.match(figure.svg, /^<svg[^>]* xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.doesNotMatch(figure.svg, /currentColor/);
  assert.equal(figure.svg.match(/<image /g)?.length, 6);
  assert.equal(figure.svg.match(/image-rendering="pixelated"/g)?.length, 6);
  for (const name of ['T-shirt/top', 'Trouser', 'Pullover'])
    assert.match(figure.svg, new RegExp(`>${name}<`));
  assert.equal(figure.svg.match(/fill="#f28e2c"/g)?.length, 3); // 2 frames and the swatch
  assertSnapshot('thumbnail-scatter', figure.svg);
  assert.deepEqual(pngSize(figureToPng(figure)), [2 * figure.width, 2 * figure.height]);
});

test('thumbnailScatterFigure without labels has no legend and no frames', () => {
  const figure = thumbnailScatterFigure(Float64Array.from([0, 0, 1, 1]), [square(1), square(2)]);
  assert.equal(figure.svg.match(/<image /g)?.length, 2);
  assert.doesNotMatch(figure.svg, /class 0/);
  assert.doesNotMatch(figure.svg, /#4e79a7/);
  assert.equal(figure.height, 640);
});

test('thumbnailScatterFigure rejects mismatched coordinates, labels and non-finite points', () => {
  const images = [square(1), square(2)];
  assert.throws(
    () => thumbnailScatterFigure(new Float64Array(3), images),
    /2 images need 4 coordinates \(rows x 2\), got 3/,
  );
  assert.throws(
    () => thumbnailScatterFigure(new Float64Array(4), images, { labels: [1] }),
    /2 images but 1 labels/,
  );
  assert.throws(
    () => thumbnailScatterFigure(Float64Array.from([0, 0, NaN, 1]), images),
    /coordinates of image 1 are not finite: NaN, 1/,
  );
});

test('thumbnailScatterFigure rejects a width, height or thumbnailSize that is not a size', () => {
  const images = [square(1), square(2)];
  const coordinates = Float64Array.from([0, 0, 1, 1]);
  const draw = (options: object) => () => thumbnailScatterFigure(coordinates, images, options);
  assert.throws(draw({ width: 0 }), /thumbnailScatterFigure: invalid width: 0; expected a finite/);
  assert.throws(draw({ height: NaN }), /invalid height: NaN; expected a finite number >= 1/);
  assert.throws(draw({ thumbnailSize: Infinity }), /invalid thumbnailSize: Infinity/);
});

test('thumbnailScatterFigure widens by default so that ten class names fit the legend', () => {
  const names = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat'];
  const more = [...names, 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
  const images = more.map(() => square(1));
  const coordinates = Float64Array.from(more.flatMap((_, i) => [i, i]));
  const labels = more.map((_, i) => i);
  const figure = thumbnailScatterFigure(coordinates, images, { labels, classNames: more });
  assert.ok(figure.width > 700, `width ${figure.width}`);
  const narrow = thumbnailScatterFigure(coordinates, images, {
    labels,
    classNames: more,
    width: 500,
  });
  assert.equal(narrow.width, 500);
});
