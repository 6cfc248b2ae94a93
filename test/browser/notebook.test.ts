import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

// Debian's classic Notebook server and Debian's Chromium: each assignment notebook is opened
// in quick mode, every cell is run from the browser, and the page is checked for errors and
// for plots drawn as images. Copies are used, so the server never saves over notebooks/.
const root = path.join(__dirname, '..', '..');
const ASSIGNMENTS = ['1-matrix-factorization.ipynb', '2-autoencoder.ipynb'];
const screenshots = path.join(root, 'out', 'screenshots');
const RUN_TIMEOUT = 300_000;

let server: ChildProcess | undefined;
let context: BrowserContext | undefined;
after(async () => {
  await context?.close();
  server?.kill('SIGTERM');
});

test('each notebook runs all cells in Chromium without errors and shows its plots', async () => {
  // 1. Copies of the notebooks inside the project, and a server on them with a token.
  const copies = path.join(root, 'out', 'test-browser');
  fs.rmSync(copies, { recursive: true, force: true });
  fs.mkdirSync(copies, { recursive: true });
  for (const name of ASSIGNMENTS) {
    fs.copyFileSync(path.join(root, 'notebooks', name), path.join(copies, name));
  }
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const base = `http://127.0.0.1:${port}`;
  // Debian's server refuses to run as root without --allow-root (CI containers are root).
  const rootFlag = process.getuid?.() === 0 ? ['--allow-root'] : [];
  server = spawn(
    '/usr/bin/python3',
    [
      '-m',
      'notebook',
      '--no-browser',
      `--port=${port}`,
      '--ip=127.0.0.1',
      `--NotebookApp.token=${token}`,
      ...rootFlag,
    ],
    {
      cwd: copies,
      env: { ...process.env, LATENTLAB_QUICK: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let serverLog = '';
  server.stderr?.on('data', (chunk: Buffer) => (serverLog = (serverLog + chunk).slice(-4000)));
  await waitForServer(`${base}/api/status?token=${token}`, () => serverLog);

  // 2. A headless Chromium with a fresh profile and nothing phoning home.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  fs.mkdirSync(screenshots, { recursive: true });

  for (const name of ASSIGNMENTS) {
    // 3. Open, wait for the kernel, run all, wait until no cell is running.
    const page = await context.newPage();
    await page.goto(`${base}/notebooks/${name}?token=${token}`);
    await page.waitForFunction(
      'window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && ' +
        'Jupyter.notebook.kernel.is_connected()',
      undefined,
      { timeout: 60_000 },
    );
    await page.evaluate(
      'Jupyter.notebook.clear_all_output(); Jupyter.notebook.execute_all_cells()',
    );
    await page.waitForFunction(
      `(() => {
        const code = Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code');
        const busy = document.querySelector('#kernel_indicator_icon.kernel_busy_icon');
        return !busy && code.every((c) => c.input_prompt_number !== '*');
      })()`,
      undefined,
      { timeout: RUN_TIMEOUT, polling: 1000 },
    );

    // 4. What the student sees.
    const report = (await page.evaluate(`(() => {
      const code = Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code');
      const images = [...document.querySelectorAll('.output_svg svg, .output_png img')];
      const stderr = [...document.querySelectorAll('.output_stderr')].map((e) => e.textContent);
      return {
        cells: code.length,
        notRun: code.filter((c) => typeof c.input_prompt_number !== 'number').length,
        errors: document.querySelectorAll('.output_error').length,
        stderr: stderr.filter((t) => /^\\w*Error\\b|^\\d+:\\d+ - /m.test(t)),
        images: images.length,
        visible: images.filter((e) => {
          const box = e.getBoundingClientRect();
          return box.width > 50 && box.height > 50 && (e.tagName !== 'IMG' || e.naturalWidth > 0);
        }).length,
      };
    })()`)) as {
      cells: number;
      notRun: number;
      errors: number;
      stderr: string[];
      images: number;
      visible: number;
    };
    await page.addStyleTag({
      content: '#site { height: auto !important; overflow: visible !important; }',
    });
    await page.screenshot({
      path: path.join(screenshots, name.replace('.ipynb', '.png')),
      fullPage: true,
    });
    await page.close();

    assert.equal(report.errors, 0, `${name}: error outputs`);
    assert.deepEqual(report.stderr, [], `${name}: errors printed by a cell`);
    assert.equal(
      report.notRun,
      0,
      `${name}: ${report.notRun} of ${report.cells} cells did not run`,
    );
    assert.ok(report.images > 0, `${name}: no plot shown`);
    assert.equal(report.visible, report.images, `${name}: some plots are not visible`);
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, log: () => string): Promise<void> {
  for (let i = 0; i < 120 && server?.exitCode === null; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the Notebook server did not answer at ${url}:\n${log()}`);
}
