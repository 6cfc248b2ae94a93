import { Entries } from '../sparse/matrix';
import { Factors, predict } from './factors';

export interface StarErrors {
  /** Root mean squared error, in stars. */
  rmse: number;
  /** Mean absolute error, in stars. */
  mae: number;
  /** Number of entries compared. */
  count: number;
}

/**
 * RMSE and MAE in stars on held-out entries whose values are mean-shifted: each user's mean
 * is added back to both the prediction `q_u p_i` and the value before comparing.
 */
export function starErrors(entries: Entries, factors: Factors, means: Float64Array): StarErrors {
  const { rows, cols, values } = entries;
  let squared = 0;
  let absolute = 0;
  for (let e = 0; e < values.length; e++) {
    const mean = means[rows[e]];
    const error = values[e] + mean - (predict(factors, rows[e], cols[e]) + mean);
    squared += error * error;
    absolute += Math.abs(error);
  }
  const count = values.length;
  return { rmse: Math.sqrt(squared / count), mae: absolute / count, count };
}
