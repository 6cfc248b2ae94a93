/**
 * The submission command (`npm start -- [options] [other.pdf ...]`): runs every notebook in
 * notebooks/ top to bottom in a fresh tslab kernel, exports each to PDF through LaTeX and
 * joins those PDFs with the student's other PDFs into one file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATA_VARIABLE, QUICK_VARIABLE, dataDir, quickMode } from '../env';
import { downloadDatasets, missingDatasets } from '../data/download';
import { folderProblem } from '../files';
import { checkNotebook } from '../notebook/check-notebook';
import { checkPdfs, concatenatePdfs } from '../notebook/concat';
import { executeNotebook, NotebookError } from '../notebook/execute';
import { exportPdf } from '../notebook/export';
import { checkLatexTools, jupyterPython, SetupError } from '../notebook/jupyter';
import { assertOverwritable, writeFileAtomically } from '../notebook/ownership';
import { parseRequest, type SubmitRequest, USAGE, UsageError } from './request';

/** Runs the whole submission; returns the joined PDF's path and page count. */
export async function submit(request: SubmitRequest): Promise<{ path: string; pages: number }> {
  // 1. Everything that can be wrong is checked before the long run starts.
  const notebooks = listNotebooks(request.notebooks);
  for (const notebook of notebooks) checkNotebook(notebook);
  await checkPdfs(request.extras);
  checkOutputs(request);
  await assertOverwritable(request.output, 'Move it away or choose another --output.');
  jupyterPython();
  checkLatexTools();
  await ensureData(request.download);
  const executed = notebooks.map((nb) => path.join(request.outDir, path.basename(nb)));
  const pdfs = executed.map((nb) => nb.replace(/\.ipynb$/, '.pdf'));
  for (const file of [...executed, ...pdfs]) {
    await assertOverwritable(file, 'Move it away or choose another --out-dir.');
  }
  fs.mkdirSync(request.outDir, { recursive: true });

  // 2. Execute and export, one notebook at a time.
  if (quickMode()) console.log(`quick mode (${QUICK_VARIABLE}): small parameters, for a try`);
  const env = kernelEnvironment();
  for (const [i, notebook] of notebooks.entries()) {
    console.log(`running ${shown(notebook)}`);
    await executeNotebook(notebook, executed[i], { timeout: request.timeout, env });
    if (request.inPlace) saveInPlace(executed[i], notebook);
    console.log(`exporting ${shown(pdfs[i])}`);
    await exportPdf(executed[i], pdfs[i], { author: request.name });
  }

  // 3. One file, notebooks first, then the other PDFs in the order given.
  const pages = await concatenatePdfs([...pdfs, ...request.extras], request.output, {
    author: request.name,
  });
  return { path: request.output, pages };
}

function listNotebooks(dir: string): string[] {
  if (!fs.existsSync(dir)) throw new Error(`notebook folder not found: ${dir}`);
  if (!fs.statSync(dir).isDirectory()) {
    throw new Error(`--notebooks ${dir}: a file, expected the folder that holds the notebooks`);
  }
  const names = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.ipynb') && !name.startsWith('.'))
    .sort();
  if (names.length === 0) throw new Error(`no notebooks (*.ipynb) in ${dir}`);
  return names.map((name) => path.join(dir, name));
}

/** The places the run writes to can be written: checked now, not after hours of running. */
function checkOutputs(request: SubmitRequest): void {
  const { output, outDir } = request;
  if (fs.existsSync(output) && fs.statSync(output).isDirectory()) {
    throw new Error(`--output ${output}: a folder, expected a file path ending in .pdf`);
  }
  const outputProblem = folderProblem(path.dirname(output));
  if (outputProblem) {
    throw new Error(`cannot write ${output}: ${outputProblem}. Choose another --output.`);
  }
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) {
    throw new Error(`--out-dir ${outDir}: a file, expected a folder. Choose another --out-dir.`);
  }
  const outDirProblem = folderProblem(outDir);
  if (outDirProblem) {
    throw new Error(`cannot write in ${outDir}: ${outDirProblem}. Choose another --out-dir.`);
  }
  if (request.inPlace) {
    const problem = folderProblem(request.notebooks);
    if (problem) throw new Error(`--in-place: cannot write in ${request.notebooks}: ${problem}`);
  }
}

/** The executed copy over the source notebook, without the mark that says we wrote it. */
function saveInPlace(executed: string, source: string): void {
  const content = JSON.parse(fs.readFileSync(executed, 'utf8'));
  delete content.metadata?.latentlab?.executed;
  if (content.metadata?.latentlab && Object.keys(content.metadata.latentlab).length === 0) {
    delete content.metadata.latentlab;
  }
  writeFileAtomically(source, JSON.stringify(content, null, 1) + '\n');
}

/** A path relative to the working folder when it lies inside it, else absolute. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative;
}

/** The kernels' environment. A kernel starts in its notebook's folder, where a relative
 *  LATENTLAB_DATA would name another folder than the one checked here; it gets the
 *  absolute path. */
function kernelEnvironment(): NodeJS.ProcessEnv {
  const chosen = process.env[DATA_VARIABLE];
  if (chosen === undefined || chosen.trim() === '') return process.env;
  return { ...process.env, [DATA_VARIABLE]: dataDir() };
}

async function ensureData(download: boolean): Promise<void> {
  const dir = dataDir();
  const missing = missingDatasets(dir);
  if (missing.length === 0) return;
  if (download) {
    await downloadDatasets(dir);
    return;
  }
  const where = fs.existsSync(dir) ? `missing in ${dir}` : `data folder not found: ${dir}`;
  throw new SetupError(
    `data: ${missing.join(' and ')} ${fs.existsSync(dir) ? where : `(${where})`}. ` +
      'Run "npm run setup" to link the data sets, set LATENTLAB_DATA to the folder that ' +
      'holds them, or add --download to fetch them from their official hosts.',
  );
}

async function main(argv: string[]): Promise<number> {
  try {
    const request = parseRequest(argv);
    if (request === 'help') {
      console.log(USAGE);
      return 0;
    }
    const result = await submit(request);
    console.log(`wrote ${result.path} (${result.pages} pages)`);
    return 0;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (error instanceof UsageError) console.error(`submit: ${message}\n\n${USAGE}`);
    else if (error instanceof NotebookError) console.error(`submit stopped: ${message}`);
    else console.error(`submit failed: ${message}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
