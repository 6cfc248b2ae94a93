/**
 * SVG snapshot comparison after normalisation: numbers rounded to 2 decimals, Plot's generated
 * class names (plot-d6a7b5) renumbered in order of appearance, and embedded PNGs replaced by
 * their size (the PNG encoder has its own tests; zlib's bytes may differ between versions).
 *
 * A missing snapshot is written; UPDATE_SNAPSHOTS=1 rewrites them all. A mismatch writes
 * `<name>-changed.svg` beside the snapshot and fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import assert from 'node:assert/strict';

const SNAPSHOTS = path.join(__dirname, 'snapshots');

export function assertSnapshot(name: string, svg: string): void {
  const file = path.join(SNAPSHOTS, `${name}.svg`);
  const changed = path.join(SNAPSHOTS, `${name}-changed.svg`);
  const actual = normaliseSvg(svg);
  if (process.env.UPDATE_SNAPSHOTS === '1' || !fs.existsSync(file)) {
    fs.mkdirSync(SNAPSHOTS, { recursive: true });
    fs.writeFileSync(file, actual);
    fs.rmSync(changed, { force: true });
    return;
  }
  const expected = fs.readFileSync(file, 'utf8');
  if (actual === expected) {
    fs.rmSync(changed, { force: true });
    return;
  }
  fs.writeFileSync(changed, actual);
  assert.fail(
    `${name}.svg differs from its snapshot; see ${path.relative(process.cwd(), changed)} ` +
      `(UPDATE_SNAPSHOTS=1 accepts it)`,
  );
}

export function normaliseSvg(svg: string): string {
  const ids = new Map<string, string>();
  return (
    svg
      .replace(/data:image\/png;base64,([A-Za-z0-9+/=]+)/g, (_, data: string) => {
        const png = Buffer.from(data, 'base64');
        return `data:image/png;base64,[${png.readUInt32BE(16)}x${png.readUInt32BE(20)} png]`;
      })
      .replace(/plot-[0-9a-f]{6}\b/g, (id) => {
        if (!ids.has(id)) ids.set(id, `plot-${ids.size + 1}`);
        return ids.get(id) as string;
      })
      .replace(/-?\d+\.\d+(e-?\d+)?/g, (n) => String(Math.round(Number(n) * 100) / 100))
      // One element a line, so that a diff points at the element that changed.
      .replace(/></g, '>\n<') + '\n'
  );
}
