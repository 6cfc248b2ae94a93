/**
 * Fitting Q and P to a (mean-shifted) rating matrix with ALS or SGD under early stopping.
 */
import { Entries, SparseMatrix } from '../sparse/matrix';
import { ProgressCallback } from '../train/progress';
import { alsSweep } from './als';
import { LoopResult, runWithEarlyStopping } from './earlyStopping';
import { Factors, copyFactors } from './factors';
import { InitMethod, initFactors } from './init';
import { mfLoss } from './loss';
import { SgdEpochs } from './sgd';

export type Optimizer = 'als' | 'sgd';
export const OPTIMIZERS: readonly Optimizer[] = ['als', 'sgd'];

export interface TrainOptions {
  /** `als` or `sgd`. Default `als`. */
  optimizer?: Optimizer;
  /** Number of latent factors. Default 100. */
  k?: number;
  /** Weight of the squared norms of Q and P in the loss. Default 1e-4. */
  lambda?: number;
  /** `random` (uniform [0, 1)) or `svd`. Default `random`. */
  init?: InitMethod;
  /** Start from these factors instead (copied); `init` is then ignored. Default none. */
  initialFactors?: Factors;
  /** SGD step size. Default 0.01. */
  learningRate?: number;
  /** Most iterations (ALS sweeps or SGD epochs). Default 100. */
  maxSteps?: number;
  /** Evaluations without a better validation loss before stopping. Default 5. */
  patience?: number;
  /** Evaluate every this many iterations. Default 1. */
  evalEvery?: number;
  /** Log every this many iterations. Default 1. */
  logEvery?: number;
  /** Write progress lines. Default true. */
  log?: boolean;
  /** Called after each evaluation with `{step, elapsedSeconds, losses: {train, validation}}`. */
  onProgress?: ProgressCallback;
  /** Seed of the initialisation and of SGD's shuffles. Default 0. */
  seed?: number;
}

export interface TrainResult extends LoopResult {
  /** Q and P at the best validation loss. */
  factors: Factors;
  /** Training loss at each evaluation. */
  trainLoss: number[];
  /** Validation loss at each evaluation. */
  validationLoss: number[];
  /** Mean seconds per iteration (one sweep or epoch, evaluation excluded). */
  secondsPerIteration: number;
  optimizer: Optimizer;
}

/**
 * Minimises `sum over known (R_ui - q_u p_i)^2 + lambda (|P|^2 + |Q|^2)` on `train`,
 * watching the same loss on `validation` (entries with shifted values).
 */
export function trainFactorization(
  train: SparseMatrix,
  validation: Entries,
  options: TrainOptions = {},
): TrainResult {
  const optimizer = options.optimizer ?? 'als';
  if (!OPTIMIZERS.includes(optimizer)) {
    throw new Error(
      `unknown optimizer: "${String(optimizer)}"; expected one of ${OPTIMIZERS.join(', ')}`,
    );
  }
  const k = options.k ?? 100;
  const lambda = options.lambda ?? 1e-4;
  const learningRate = options.learningRate ?? 0.01;
  const seed = options.seed ?? 0;
  if (!(lambda >= 0)) throw new Error(`invalid lambda: ${lambda}; expected a number >= 0`);
  if (!(learningRate > 0)) {
    throw new Error(`invalid learningRate: ${learningRate}; expected a number > 0`);
  }

  // 1. Starting factors.
  let factors: Factors;
  if (options.initialFactors) {
    const given = options.initialFactors;
    if (given.nUsers !== train.nRows || given.nItems !== train.nCols) {
      throw new Error(
        `initialFactors are ${given.nUsers} users x ${given.nItems} items, ` +
          `the matrix is ${train.nRows} x ${train.nCols}`,
      );
    }
    factors = copyFactors(given);
  } else {
    factors = initFactors(train, k, { init: options.init ?? 'random', seed });
  }
  let best = copyFactors(factors);

  // 2. The optimizer's step.
  const sgd = optimizer === 'sgd' ? new SgdEpochs(train, seed) : undefined;
  const step = sgd
    ? () => sgd.epoch(factors, lambda, learningRate)
    : () => alsSweep(train, factors, lambda);

  // 3. The loop with early stopping.
  const result = runWithEarlyStopping(
    {
      step,
      evaluate: () => ({
        train: mfLoss(train, factors, lambda),
        validation: mfLoss(validation, factors, lambda),
      }),
      keepBest: () => {
        best = copyFactors(factors);
      },
    },
    options,
    optimizer === 'sgd' ? 'SGD epoch' : 'ALS sweep',
    optimizer === 'sgd' ? 'lower the learning rate' : 'raise lambda',
  );
  return {
    ...result,
    factors: best,
    trainLoss: result.history.map((p) => p.losses.train),
    validationLoss: result.history.map((p) => p.losses.validation),
    secondsPerIteration: result.secondsPerStep,
    optimizer,
  };
}
