/**
 * Fitting Q and P to a (mean-shifted) rating matrix with ALS or SGD under early stopping.
 */
import { Entries, SparseMatrix, checkEntries } from '../sparse/matrix';
import { alsSweep } from './als';
import { LoopOptions, LoopResult, runWithEarlyStopping } from './earlyStopping';
import { Factors, checkFactors, copyFactors } from './factors';
import { InitMethod, initFactors } from './init';
import { checkLambda, mfLoss } from './loss';
import { SgdEpochs } from './sgd';
import { showValue } from '../showValue';

export type Optimizer = 'als' | 'sgd';
export const OPTIMIZERS: readonly Optimizer[] = ['als', 'sgd'];

/**
 * The optimizer and its settings; the loop settings (`maxSteps` 100, `patience` 5,
 * `evalEvery` 1, `logEvery` 1, `log`, `onProgress`) are those of runWithEarlyStopping,
 * where a step is one ALS sweep or one SGD epoch.
 */
export interface TrainOptions extends LoopOptions {
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
  const lambda = options.lambda ?? 1e-4;
  const learningRate = options.learningRate ?? 0.01;
  const seed = options.seed ?? 0;
  checkLambda(lambda);
  if (typeof learningRate !== 'number' || !(learningRate > 0 && learningRate < Infinity)) {
    throw new Error(
      `invalid learningRate: ${showValue(learningRate)}; expected a finite number > 0`,
    );
  }
  if (train.nnz === 0) {
    throw new Error(
      `train: no known ratings in the ${train.nRows} x ${train.nCols} matrix; expected some ` +
        `left after the split (hold out fewer with nValidation and nTest)`,
    );
  }
  checkEntries(validation, train.nRows, train.nCols, 'validation');
  if (validation.values.length === 0) {
    throw new Error(
      'validation: no entries; early stopping needs held-out ratings ' +
        '(give splitRatings nValidation >= 1)',
    );
  }

  // 1. Starting factors.
  const factors = options.initialFactors
    ? givenFactors(options.initialFactors, options.k, train)
    : initFactors(train, options.k ?? 100, { init: options.init ?? 'random', seed });
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
    optimizer === 'sgd'
      ? `lower the learning rate (now ${learningRate})`
      : `raise lambda (now ${lambda}), or look for extreme values in the ratings`,
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

/** A copy of `initialFactors`, after checking they fit the matrix and `k` and are finite. */
function givenFactors(given: Factors, k: number | undefined, train: SparseMatrix): Factors {
  if (k !== undefined && k !== given.k) {
    throw new Error(`initialFactors have k = ${given.k}, but the k option is ${k}`);
  }
  if (given.nUsers !== train.nRows || given.nItems !== train.nCols) {
    throw new Error(
      `initialFactors are ${given.nUsers} users x ${given.nItems} items, ` +
        `the matrix is ${train.nRows} x ${train.nCols}`,
    );
  }
  checkFactors(given, 'initialFactors');
  for (const [name, values] of [
    ['Q', given.Q],
    ['P', given.P],
  ] as const) {
    for (let j = 0; j < values.length; j++) {
      if (!Number.isFinite(values[j])) {
        throw new Error(`initialFactors: ${name}[${j}] is ${values[j]}; expected finite numbers`);
      }
    }
  }
  return copyFactors(given);
}
