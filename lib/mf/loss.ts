import { Entries, SparseMatrix, checkEntries } from '../sparse/matrix';
import { Factors, checkFactors } from './factors';
import { showValue } from '../showValue';

/**
 * The objective both optimizers minimise:
 * `sum over the given (u, i) of (R_ui - q_u p_i)^2 + lambda (sum_i |p_i|^2 + sum_u |q_u|^2)`.
 * The penalty covers all of Q and P, also for the validation and test entries.
 */
export function mfLoss(target: SparseMatrix | Entries, factors: Factors, lambda: number): number {
  checkLambda(lambda);
  return squaredError(target, factors) + lambda * (squaredNorm(factors.Q) + squaredNorm(factors.P));
}

/** Sum of squared errors `(R_ui - q_u p_i)^2` over the given entries. */
export function squaredError(target: SparseMatrix | Entries, factors: Factors): number {
  checkFactors(factors, 'mfLoss');
  if (target instanceof SparseMatrix) {
    if (target.nRows !== factors.nUsers || target.nCols !== factors.nItems) {
      throw new Error(
        `mfLoss: matrix is ${target.nRows} x ${target.nCols}, factors are ${factors.nUsers} users ` +
          `x ${factors.nItems} items; expected the same size`,
      );
    }
  } else {
    checkEntries(target, factors.nUsers, factors.nItems, 'mfLoss');
  }
  const { k, Q, P } = factors;
  let sum = 0;
  if (target instanceof SparseMatrix) {
    for (let u = 0; u < target.nRows; u++) {
      const qo = u * k;
      for (let e = target.rowStart[u]; e < target.rowStart[u + 1]; e++) {
        const po = target.rowCols[e] * k;
        let s = 0;
        for (let f = 0; f < k; f++) s += Q[qo + f] * P[po + f];
        const error = target.rowValues[e] - s;
        sum += error * error;
      }
    }
    return sum;
  }
  const { rows, cols, values } = target;
  for (let e = 0; e < values.length; e++) {
    const qo = rows[e] * k;
    const po = cols[e] * k;
    let s = 0;
    for (let f = 0; f < k; f++) s += Q[qo + f] * P[po + f];
    const error = values[e] - s;
    sum += error * error;
  }
  return sum;
}

/** Refuses a lambda that is not a finite number >= 0 (a string, NaN, a negative weight). */
export function checkLambda(lambda: number): void {
  if (typeof lambda !== 'number' || !(lambda >= 0 && lambda < Infinity)) {
    throw new Error(`invalid lambda: ${showValue(lambda)}; expected a finite number >= 0`);
  }
}

function squaredNorm(x: Float64Array): number {
  let s = 0;
  for (let j = 0; j < x.length; j++) s += x[j] * x[j];
  return s;
}
