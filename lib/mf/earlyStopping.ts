/**
 * The training loop shared by ALS and SGD: step, evaluate every `evalEvery` steps, keep the
 * best state, stop after `patience` evaluations without a better validation loss.
 */
import { Progress, ProgressCallback, formatProgress } from '../train/progress';

export interface LoopOptions {
  /** Most steps to run. Default 100. */
  maxSteps?: number;
  /** Evaluations without a better validation loss before stopping. Default 5. */
  patience?: number;
  /** Evaluate every this many steps. Default 1. */
  evalEvery?: number;
  /** Log every this many steps (at evaluations). Default 1. */
  logEvery?: number;
  /** Write progress lines and the stop to the console. Default true. */
  log?: boolean;
  /** Called after each evaluation. Default none. */
  onProgress?: ProgressCallback;
}

/** What the loop drives. */
export interface LoopSteps {
  /** One training step (an ALS sweep, an SGD epoch). */
  step(iteration: number): void;
  /** The train and validation losses now. */
  evaluate(): { train: number; validation: number };
  /** Remember the current state as the best so far. */
  keepBest(): void;
}

export interface LoopResult {
  /** One entry per evaluation: step, elapsed seconds, train and validation loss. */
  history: Progress[];
  /** `it - patience * evalEvery` at the early stop, or -1 when `maxSteps` ran out. */
  convergedAfter: number;
  /** The step whose state was kept (best validation loss). */
  bestStep: number;
  /** Steps run. */
  steps: number;
  /** Mean seconds of one training step, evaluation excluded. */
  secondsPerStep: number;
}

/** Runs `steps` with early stopping on the validation loss. */
export function runWithEarlyStopping(
  steps: LoopSteps,
  options: LoopOptions = {},
  label = 'step',
  divergenceHint = 'lower the learning rate',
): LoopResult {
  const maxSteps = positiveInteger('maxSteps', options.maxSteps ?? 100);
  const patience = positiveInteger('patience', options.patience ?? 5);
  const evalEvery = positiveInteger('evalEvery', options.evalEvery ?? 1);
  const logEvery = positiveInteger('logEvery', options.logEvery ?? 1);
  const log = options.log ?? true;
  if (evalEvery > maxSteps) {
    throw new Error(
      `evalEvery ${evalEvery} is larger than maxSteps ${maxSteps}, so nothing would be ` +
        `evaluated; expected evalEvery <= maxSteps`,
    );
  }

  const history: Progress[] = [];
  const started = performance.now();
  let stepSeconds = 0;
  let best = Infinity;
  let bestStep = 0;
  let left = patience;
  let it = 0;
  let convergedAfter = -1;
  while (it < maxSteps) {
    it++;

    // 1. One step, timed on its own.
    const before = performance.now();
    steps.step(it);
    stepSeconds += (performance.now() - before) / 1000;
    if (it % evalEvery !== 0) continue;

    // 2. Evaluate, report, and stop on a non-finite loss.
    const losses = steps.evaluate();
    const progress: Progress = {
      step: it,
      elapsedSeconds: (performance.now() - started) / 1000,
      losses: { train: losses.train, validation: losses.validation },
    };
    history.push(progress);
    if (log && it % logEvery === 0) console.log(formatProgress(progress, label));
    options.onProgress?.(progress);
    if (!Number.isFinite(losses.train) || !Number.isFinite(losses.validation)) {
      throw new Error(
        `${label} ${it}: training diverged (train loss ${losses.train}, validation loss ` +
          `${losses.validation}); ${divergenceHint}`,
      );
    }

    // 3. Keep the best state; count patience down when validation did not improve.
    if (losses.validation < best) {
      best = losses.validation;
      bestStep = it;
      left = patience;
      steps.keepBest();
    } else if (--left === 0) {
      convergedAfter = it - patience * evalEvery;
      break;
    }
  }
  if (log) {
    console.log(
      convergedAfter >= 0
        ? `${label}: stopped early at ${it}, converged after ${convergedAfter} ` +
            `(best validation loss ${best.toPrecision(5)} at ${bestStep})`
        : `${label}: reached maxSteps ${maxSteps} (best validation loss ` +
            `${best.toPrecision(5)} at ${bestStep})`,
    );
  }
  return { history, convergedAfter, bestStep, steps: it, secondsPerStep: stepSeconds / it };
}

function positiveInteger(name: string, value: number): number {
  if (!(value >= 1) || !Number.isInteger(value)) {
    throw new Error(`invalid ${name}: ${value}; expected an integer >= 1`);
  }
  return value;
}
