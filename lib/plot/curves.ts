/**
 * Loss curves from the shared Progress reports: one figure for a finished history, a live
 * callback that logs each report and redraws the curve in the notebook while training, and
 * several trainers' curves side by side.
 */
import type * as PlotTypes from '@observablehq/plot';
import { formatProgress } from '../train/progress';
import type { Progress, ProgressCallback } from '../train/progress';
import { inNotebook, showFigure } from './display';
import { arrangeFigures, plotFigure, plotModule } from './figure';
import type { Figure } from './figure';
import { CLASS_COLORS } from './images';
import { checkPixels } from './sizes';

/** Options of {@link lossCurveFigure}. */
export interface LossCurveOptions {
  /** Bold title above the plot. Default none. */
  title?: string;
  /** Which losses to draw, by name. Default: every name found in the history. */
  losses?: string[];
  /** Logarithmic y axis; values <= 0 are left out. Default false. */
  logY?: boolean;
  /** Width in pixels. Default 640. */
  width?: number;
  /** Height in pixels. Default 320. */
  height?: number;
  /** Label of the x axis. Default `step`. */
  xLabel?: string;
  /** Label of the y axis. Default: the loss name when there is one, else `loss`. */
  yLabel?: string;
  /** Fixed y range, for panels that compare at a glance. Default: the data's range. */
  yDomain?: [number, number];
}

/** Options of {@link liveProgress}. */
export interface LiveProgressOptions {
  /** Title of the live plot. */
  title: string;
  /** Redraw the plot every this many reports. Default 1. */
  every?: number;
  /** Print one formatProgress line per report. Default true. */
  log?: boolean;
  /** Logarithmic y axis for the live plot. Default false. */
  logY?: boolean;
  /** What a step is called, in the log lines and on the x axis. Default `step`. */
  xLabel?: string;
}

/** The callback made by {@link liveProgress}, with the reports it has seen. */
export type LiveProgress = ProgressCallback & {
  /** Every report so far, in order. */
  history: Progress[];
  /** Redraws the plot now (in a notebook), for example after training to show the last step. */
  draw(): void;
};

/** Options of {@link compareCurvesFigure}. */
export interface CompareCurvesOptions {
  /** Bold title above all panels. Default none. */
  title?: string;
  /** Panels per row. Default: all in one row. */
  columns?: number;
  /** Logarithmic y axes. Default false. */
  logY?: boolean;
  /** The same y range in every panel. Default false. */
  sameY?: boolean;
  /** Width of each panel in pixels. Default 400. */
  width?: number;
  /** Height of each panel in pixels. Default 300. */
  height?: number;
  /** Label of the x axes. Default `step`. */
  xLabel?: string;
}

/** One line per loss name against the step, with a legend when there is more than one line. */
export function lossCurveFigure(history: Progress[], options: LossCurveOptions = {}): Figure {
  const names = chooseLosses('lossCurveFigure', history, options.losses);
  const logY = options.logY ?? false;
  const width = options.width ?? 640;
  const height = options.height ?? 320;
  checkPixels('lossCurveFigure', 'width', width);
  checkPixels('lossCurveFigure', 'height', height);

  // 1. Long format, one row per (step, loss); a value a log axis cannot show becomes a gap.
  const rows: { step: number; name: string; value: number }[] = [];
  for (const progress of history) {
    for (const name of names) {
      const value = progress.losses[name];
      if (value === undefined) continue;
      const shown = Number.isFinite(value) && (!logY || value > 0) ? value : NaN;
      rows.push({ step: progress.step, name, value: shown });
    }
  }
  const first = history.reduce((m, p) => Math.min(m, p.step), Infinity);
  const span = history.reduce((m, p) => Math.max(m, p.step), -Infinity) - first;

  // 2. Lines, and dots when there are few steps (a single step has no line to see).
  const Plot = plotModule();
  const colors = names.map((_, i) => CLASS_COLORS[i % CLASS_COLORS.length]);
  const marks: PlotTypes.Markish[] = [
    Plot.line(rows, { x: 'step', y: 'value', stroke: 'name', z: 'name' }),
  ];
  if (history.length <= 20) {
    marks.push(Plot.dot(rows, { x: 'step', y: 'value', fill: 'name', r: 2.5 }));
  }
  return plotFigure({
    title: options.title,
    legend: names.length > 1 ? names.map((label, i) => ({ label, color: colors[i] })) : undefined,
    width,
    height,
    marginLeft: 60,
    grid: true,
    // Steps are whole numbers: over a short span, ask for one tick a step, not 1.5.
    x: { label: options.xLabel ?? 'step', ticks: span < 10 ? Math.max(1, span) : undefined },
    y: {
      label: options.yLabel ?? (names.length === 1 ? names[0] : 'loss'),
      type: logY ? 'log' : 'linear',
      domain: options.yDomain,
      // A nice log domain can grow by a decade; SI prefixes (400m) read badly for losses.
      nice: !logY,
      tickFormat: logY ? '~g' : undefined,
    },
    color: { domain: names, range: colors },
    marks,
  });
}

/**
 * A progress callback that prints one line per report and, in a notebook, redraws the loss
 * curve in place every `every` reports (the first report draws it). Outside a notebook it only
 * prints.
 */
export function liveProgress(options: LiveProgressOptions): LiveProgress {
  const every = options.every ?? 1;
  if (!(every >= 1) || !Number.isInteger(every)) {
    throw new Error(`liveProgress: every must be a positive integer, got ${every}`);
  }
  const label = options.xLabel ?? 'step';
  const log = options.log ?? true;
  const id = `latentlab-live-${process.pid}-${++liveCount}`;
  const history: Progress[] = [];

  const draw = () => {
    if (history.length === 0 || !inNotebook()) return;
    const figure = lossCurveFigure(history, {
      title: options.title,
      logY: options.logY,
      xLabel: label,
    });
    showFigure(figure, options.title, id);
  };
  const callback = (progress: Progress) => {
    history.push(progress);
    if (log) console.log(formatProgress(progress, label));
    if ((history.length - 1) % every === 0) draw();
  };
  return Object.assign(callback, { history, draw });
}

/** One panel per trainer with the chosen loss of each (for example each validation curve). */
export function compareCurvesFigure(
  series: { name: string; history: Progress[]; loss: string }[],
  options: CompareCurvesOptions = {},
): Figure {
  if (series.length === 0) throw new Error('compareCurvesFigure: no series given');
  const width = options.width ?? 400;
  const height = options.height ?? 300;
  checkPixels('compareCurvesFigure', 'width', width);
  checkPixels('compareCurvesFigure', 'height', height);
  let domain: [number, number] | undefined;
  if (options.sameY) {
    const values = series.flatMap((s) =>
      s.history
        .map((p) => p.losses[s.loss])
        .filter((v) => Number.isFinite(v) && (!options.logY || v > 0)),
    );
    if (values.length > 0) {
      domain = [values.reduce((m, v) => Math.min(m, v)), values.reduce((m, v) => Math.max(m, v))];
    }
  }
  const panels = series.map((s) =>
    lossCurveFigure(s.history, {
      title: s.name,
      losses: [s.loss],
      logY: options.logY,
      width,
      height,
      xLabel: options.xLabel,
      yDomain: domain,
    }),
  );
  return arrangeFigures(panels, { columns: options.columns, title: options.title });
}

let liveCount = 0;

/** The loss names to draw: the requested ones (each must occur) or all, in order of appearance. */
function chooseLosses(where: string, history: Progress[], requested?: string[]): string[] {
  if (history.length === 0) throw new Error(`${where}: the history is empty`);
  const found: string[] = [];
  for (const progress of history) {
    for (const name of Object.keys(progress.losses)) if (!found.includes(name)) found.push(name);
  }
  if (!requested) return found;
  if (requested.length === 0)
    throw new Error(`${where}: losses is empty; choose from ${found.join(', ')}`);
  for (const name of requested) {
    if (!found.includes(name)) {
      throw new Error(
        `${where}: no loss named '${name}' in the history; it has ${found.join(', ')}`,
      );
    }
  }
  return requested;
}
