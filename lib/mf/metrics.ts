import { Entries, checkEntries } from '../sparse/matrix';
import { Factors, checkFactors, predict } from './factors';

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
  checkFactors(factors, 'starErrors');
  checkEntries(entries, factors.nUsers, factors.nItems, 'starErrors');
  if (entries.values.length === 0) throw new Error('starErrors: no entries; expected at least one');
  if (means.length !== factors.nUsers) {
    throw new Error(
      `starErrors: ${means.length} means for ${factors.nUsers} users; expected one per user`,
    );
  }
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
