import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const setup = path.join(__dirname, '..', '..', 'lib', 'setup', 'setup.sh');

/** Runs set-up with a fake `node` first on the PATH that reports `version`. */
function setupWithNode(version: string) {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-old-node-'));
  const major = Number(version.slice(1).split('.')[0]);
  const minor = Number(version.split('.')[1]);
  const ok = major > 20 || (major === 20 && minor >= 19) ? 1 : 0;
  fs.writeFileSync(
    path.join(bin, 'node'),
    `#!/bin/sh\n[ "$1" = "--version" ] && { echo ${version}; exit 0; }\necho ${ok}\n`,
    { mode: 0o755 },
  );
  const run = spawnSync('bash', [setup, '--quiet'], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
  fs.rmSync(bin, { recursive: true, force: true });
  return run;
}

test('setup.sh with Node 18 stops with a message naming the version and what is needed', () => {
  const run = setupWithNode('v18.19.0');
  assert.equal(run.status, 1);
  assert.match(run.stderr, /Node\.js v18\.19\.0 is too old/);
  assert.match(run.stderr, /20\.19 or later/);
  assert.doesNotMatch(run.stderr, /at .*\(.*:\d+:\d+\)/, 'no stack trace');
});

test('setup.sh without Node.js on the PATH says to install it', () => {
  const run = spawnSync('/bin/bash', [setup, '--quiet'], {
    encoding: 'utf8',
    env: { ...process.env, PATH: '/nonexistent' },
  });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /Node\.js was not found on PATH/);
});

test('the registered tslab kernel starts the tslab of the project holding the notebook', () => {
  // set-up has run (npm test's first step), so the kernel is registered.
  const list = spawnSync('jupyter', ['kernelspec', 'list', '--json'], { encoding: 'utf8' });
  assert.equal(list.status, 0, list.stderr);
  const specs = JSON.parse(list.stdout) as {
    kernelspecs: Record<string, { spec: { argv: string[] } }>;
  };
  const argv = specs.kernelspecs.tslab.spec.argv;
  assert.equal(argv[0], '/bin/sh');
  const launcher = argv[1];

  // A project with its own tslab, and a folder below it where the notebook sits.
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-kernel-'));
  const bin = path.join(project, 'node_modules', '.bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'tslab'), '#!/bin/sh\necho "project tslab $*"\n', {
    mode: 0o755,
  });
  const notebooks = path.join(project, 'notebooks');
  fs.mkdirSync(notebooks);
  const run = spawnSync('/bin/sh', [launcher, 'kernel', '--config-path', 'x.json'], {
    cwd: notebooks,
    encoding: 'utf8',
  });
  assert.equal(run.stdout, 'project tslab kernel --config-path x.json\n');

  // Outside any project: the tslab of the clone that registered it.
  const fallback = fs.readFileSync(launcher, 'utf8');
  assert.match(fallback, /^exec '.*\/node_modules\/\.bin\/tslab' "\$@"$/m);
  fs.rmSync(project, { recursive: true, force: true });
});

test('setup.sh with LATENTLAB_DATA naming no folder says so and creates nothing', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-data-var-'));
  const run = spawnSync('bash', [setup, '--quiet'], {
    cwd: scratch,
    encoding: 'utf8',
    env: { ...process.env, LATENTLAB_DATA: 'mistyped' },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(
    run.stdout,
    new RegExp(`LATENTLAB_DATA names ${scratch}/mistyped, which is not a folder; create it`),
  );
  assert.deepEqual(fs.readdirSync(scratch), [], 'no folder made, relative to the caller');
  fs.rmSync(scratch, { recursive: true, force: true });
});
