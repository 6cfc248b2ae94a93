import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { downloadDatasets, downloadFile, missingDatasets } from '../../lib/data/download';
import { dataPath } from '../../lib/env';

// A local server standing in for the official hosts, serving the data that set-up linked
// into data/: /fashion-mnist/<file> and /movielens/ml-latest-small.zip (zipped here).
const linked = path.dirname(dataPath('fashion-mnist'));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-download-'));
const zip = path.join(scratch, 'ml-latest-small.zip');
dataPath('ml-latest-small/ratings.csv'); // names the missing data set, if it is missing
execFileSync('zip', ['-q', '-r', zip, 'ml-latest-small'], { cwd: linked });

type Route = (response: http.ServerResponse) => void;
const routes = new Map<string, Route>();
const hits = new Map<string, number>();
const server = http.createServer((request, response) => {
  const url = request.url ?? '';
  hits.set(url, (hits.get(url) ?? 0) + 1);
  const route = routes.get(url) ?? serveFile(fileFor(url));
  route(response);
});
const listening = new Promise<string>((resolve) =>
  server.listen(0, '127.0.0.1', () => {
    resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }),
);
after(() => server.close());

function fileFor(url: string): string | undefined {
  if (url === '/movielens/ml-latest-small.zip') return zip;
  const match = /^\/fashion-mnist\/([\w.-]+)$/.exec(url);
  return match ? path.join(linked, 'fashion-mnist', match[1]) : undefined;
}
function serveFile(file: string | undefined): Route {
  return (response) => {
    if (!file || !fs.existsSync(file)) {
      response.writeHead(404).end();
    } else {
      const bytes = fs.readFileSync(file);
      response.writeHead(200, { 'content-length': bytes.length }).end(bytes);
    }
  };
}
const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
const options = async () => {
  const base = await listening;
  return {
    baseUrls: { 'fashion-mnist': `${base}/fashion-mnist`, 'ml-latest-small': `${base}/movielens` },
    retryDelay: 10,
    progress: sink(),
  };
};

test('downloadDatasets fetches both data sets, verified, into an empty data folder', async () => {
  const dir = path.join(scratch, 'data');
  assert.deepEqual(missingDatasets(dir), ['fashion-mnist', 'ml-latest-small']);
  assert.deepEqual(await downloadDatasets(dir, await options()), [
    'fashion-mnist',
    'ml-latest-small',
  ]);
  assert.deepEqual(missingDatasets(dir), []);
  const labels = 'fashion-mnist/t10k-labels-idx1-ubyte.gz';
  assert.deepEqual(
    fs.readFileSync(path.join(dir, labels)),
    fs.readFileSync(path.join(linked, labels)),
  );
  assert.deepEqual(
    fs.readdirSync(dir).sort(),
    ['fashion-mnist', 'ml-latest-small'],
    'no temporary files left',
  );
});

test('downloadFile with a corrupted file fails on the checksum and leaves nothing', async () => {
  const { baseUrls, ...rest } = await options();
  routes.set('/corrupt.gz', (response) => {
    const bytes = Buffer.from(
      fs.readFileSync(path.join(linked, 'fashion-mnist', 't10k-labels-idx1-ubyte.gz')),
    );
    bytes[100] ^= 0xff;
    response.writeHead(200, { 'content-length': bytes.length }).end(bytes);
  });
  const dir = fs.mkdtempSync(path.join(scratch, 'corrupt-'));
  const target = path.join(dir, 't10k-labels-idx1-ubyte.gz');
  const expected = '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5';
  const url = `${baseUrls['fashion-mnist'].replace('/fashion-mnist', '')}/corrupt.gz`;
  await assert.rejects(
    downloadFile(url, target, expected, rest),
    /^ChecksumError: t10k-labels-idx1-ubyte\.gz: checksum mismatch .*expected 67da17c7.*nothing was kept/,
  );
  assert.deepEqual(fs.readdirSync(dir), []);
  assert.equal(hits.get('/corrupt.gz'), 1, 'a checksum error is not retried');
});

test('downloadFile retries a connection dropped halfway and then succeeds', async () => {
  const { baseUrls, ...rest } = await options();
  const base = baseUrls['fashion-mnist'].replace('/fashion-mnist', '');
  const original = fs.readFileSync(path.join(linked, 'fashion-mnist', 't10k-labels-idx1-ubyte.gz'));
  let calls = 0;
  routes.set('/flaky.gz', (response) => {
    calls++;
    response.writeHead(200, { 'content-length': original.length });
    if (calls > 1) response.end(original);
    else response.write(original.subarray(0, original.length / 2), () => response.destroy());
  });
  const dir = fs.mkdtempSync(path.join(scratch, 'flaky-'));
  const target = path.join(dir, 'labels.gz');
  const sha = '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5';
  await downloadFile(`${base}/flaky.gz`, target, sha, rest);
  assert.equal(calls, 2);
  assert.deepEqual(fs.readFileSync(target), original);
  assert.deepEqual(fs.readdirSync(dir), ['labels.gz']);
});

test('downloadFile gives a clear error when every attempt is cut off, and leaves nothing', async () => {
  const { baseUrls, ...rest } = await options();
  const base = baseUrls['fashion-mnist'].replace('/fashion-mnist', '');
  routes.set('/dropped.gz', (response) => {
    response.writeHead(200, { 'content-length': 1000 });
    response.write(Buffer.alloc(400), () => response.destroy());
  });
  const dir = fs.mkdtempSync(path.join(scratch, 'dropped-'));
  await assert.rejects(
    downloadFile(`${base}/dropped.gz`, path.join(dir, 'x.gz'), undefined, { ...rest, attempts: 2 }),
    /^Error: x\.gz: download failed after 2 attempts: .*\(http:\/\/127\.0\.0\.1:\d+\/dropped\.gz\)$/,
  );
  assert.equal(hits.get('/dropped.gz'), 2);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('downloadDatasets rejects a MovieLens zip whose files differ, keeping nothing', async () => {
  const { baseUrls, ...rest } = await options();
  const other = path.join(scratch, 'other', 'ml-latest-small');
  fs.mkdirSync(other, { recursive: true });
  fs.writeFileSync(path.join(other, 'ratings.csv'), 'userId,movieId,rating,timestamp\n1,1,5,0\n');
  fs.writeFileSync(path.join(other, 'movies.csv'), 'movieId,title,genres\n1,X,Drama\n');
  const otherZip = path.join(scratch, 'other.zip');
  execFileSync('zip', ['-q', '-r', otherZip, 'ml-latest-small'], { cwd: path.dirname(other) });
  routes.set('/other/ml-latest-small.zip', serveFile(otherZip));
  const dir = path.join(scratch, 'data-other');
  fs.mkdirSync(path.join(dir, 'fashion-mnist'), { recursive: true });
  for (const file of fs.readdirSync(path.join(linked, 'fashion-mnist'))) {
    fs.symlinkSync(path.join(linked, 'fashion-mnist', file), path.join(dir, 'fashion-mnist', file));
  }
  const base = baseUrls['fashion-mnist'].replace('/fashion-mnist', '');
  await assert.rejects(
    downloadDatasets(dir, { ...rest, baseUrls: { 'ml-latest-small': `${base}/other` } }),
    /ml-latest-small\.zip: ratings\.csv has sha256 \w+, expected b4239649.*republished/,
  );
  assert.deepEqual(fs.readdirSync(dir), ['fashion-mnist']);
});
