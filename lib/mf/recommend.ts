import { SparseMatrix } from '../sparse/matrix';
import { Factors, checkFactors } from './factors';

export interface Recommendation {
  /** Item (column) index. */
  item: number;
  /** The item's original id. */
  itemId: number;
  /** The item's title, when known. */
  title?: string;
  /** Predicted rating in stars: the user's mean plus `q_u p_i`. */
  stars: number;
}

/**
 * The `count` items with the highest predicted rating for user (row) `user`, leaving out
 * what the user rated in `known`. Ids and titles come from `known`'s labels.
 */
export function recommend(
  factors: Factors,
  known: SparseMatrix,
  means: Float64Array,
  user: number,
  count = 10,
): Recommendation[] {
  checkFactors(factors, 'recommend');
  if (!(user >= 0 && user < factors.nUsers) || !Number.isInteger(user)) {
    throw new Error(`recommend: invalid user index ${user}; expected 0 .. ${factors.nUsers - 1}`);
  }
  if (known.nRows !== factors.nUsers || known.nCols !== factors.nItems) {
    throw new Error(
      `recommend: matrix ${known.nRows} x ${known.nCols} does not match factors ` +
        `${factors.nUsers} x ${factors.nItems}`,
    );
  }
  if (!(count >= 1) || !Number.isInteger(count)) {
    throw new Error(`recommend: invalid count ${count}; expected an integer >= 1`);
  }
  if (means.length !== factors.nUsers) {
    throw new Error(
      `recommend: ${means.length} means for ${factors.nUsers} users; expected one per user`,
    );
  }
  const { k, Q, P } = factors;
  const rated = new Uint8Array(factors.nItems);
  for (let e = known.rowStart[user]; e < known.rowStart[user + 1]; e++) rated[known.rowCols[e]] = 1;
  const scored: { item: number; score: number }[] = [];
  for (let i = 0; i < factors.nItems; i++) {
    if (rated[i]) continue;
    let s = 0;
    for (let f = 0; f < k; f++) s += Q[user * k + f] * P[i * k + f];
    scored.push({ item: i, score: s });
  }
  scored.sort((a, b) => b.score - a.score || a.item - b.item);
  const { colIds, colNames } = known.labels;
  return scored.slice(0, count).map(({ item, score }) => {
    const title = colNames?.[item];
    return {
      item,
      itemId: colIds[item],
      ...(title !== undefined ? { title } : {}),
      stars: means[user] + score,
    };
  });
}

/** The row index of a user given by original id, with a clear error when absent. */
export function userIndex(matrix: SparseMatrix, userId: number): number {
  const index = matrix.labels.rowIds.indexOf(userId);
  if (index < 0) throw new Error(`user id ${userId} is not in the matrix (removed by cold start?)`);
  return index;
}
