/** Running notebooks, exporting them to PDF and assembling the submission. */
export { executeNotebook, NotebookError, type ExecuteOptions } from './execute';
export { exportPdf, notebookTitle, type ExportOptions } from './export';
export { checkNotebook } from './check-notebook';
export { concatenatePdfs, checkPdfs, type ConcatOptions } from './concat';
export { jupyterPython, checkLatexTools, SetupError } from './jupyter';
