import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import wabt from 'wabt';
import { KERNELS_WASM_BASE64 } from '../../lib/mf/kernelsWasm';

test('kernelsWasm.ts holds exactly the compiled kernels.wat', async () => {
  const source = path.join(__dirname, '../../lib/mf/kernels.wat');
  const tools = await wabt();
  const parsed = tools.parseWat('kernels.wat', fs.readFileSync(source, 'utf8'), { simd: true });
  const compiled = Buffer.from(parsed.toBinary({}).buffer).toString('base64');
  assert.ok(
    compiled === KERNELS_WASM_BASE64,
    'lib/mf/kernelsWasm.ts is stale: regenerate it from kernels.wat (see its header)',
  );
});
