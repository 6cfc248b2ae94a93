/**
 * The latent factors of `R ~ Q P`: Q is users x k, P is k x items. Both are Float64Arrays;
 * Q row by row (`Q[u * k + f]`) and P column by column (`P[i * k + f]`), so that the
 * vector of a user and the vector of an item are each contiguous.
 */
import { SeededRandom } from '../sparse/random';

export interface Factors {
  /** Number of latent factors. */
  k: number;
  nUsers: number;
  nItems: number;
  /** users x k, row-major: user u's row is `Q[u * k .. u * k + k - 1]`. */
  Q: Float64Array;
  /** k x items, column-major: item i's column is `P[i * k .. i * k + k - 1]`. */
  P: Float64Array;
}

/** Zero factors of the given size. */
export function zeroFactors(nUsers: number, nItems: number, k: number): Factors {
  return { k, nUsers, nItems, Q: new Float64Array(nUsers * k), P: new Float64Array(nItems * k) };
}

/** Factors drawn uniformly from [0, 1) with a seeded generator (Q first, then P). */
export function randomFactors(nUsers: number, nItems: number, k: number, seed = 0): Factors {
  const factors = zeroFactors(nUsers, nItems, k);
  const random = new SeededRandom(seed);
  for (let j = 0; j < factors.Q.length; j++) factors.Q[j] = random.next();
  for (let j = 0; j < factors.P.length; j++) factors.P[j] = random.next();
  return factors;
}

/**
 * Refuses factors whose Q or P length does not match `k`, `nUsers` and `nItems`; `what`
 * names them in the error.
 */
export function checkFactors(factors: Factors, what = 'factors'): void {
  const { k, nUsers, nItems, Q, P } = factors;
  for (const [name, value] of [
    ['k', k],
    ['nUsers', nUsers],
    ['nItems', nItems],
  ] as const) {
    if (!(value >= 1) || !Number.isInteger(value)) {
      throw new Error(`${what}: ${name} is ${value}; expected an integer >= 1`);
    }
  }
  if (Q.length !== nUsers * k || P.length !== nItems * k) {
    throw new Error(
      `${what}: Q holds ${Q.length} and P ${P.length} numbers; expected ${nUsers * k} ` +
        `(${nUsers} users x k ${k}) and ${nItems * k} (${nItems} items x k ${k})`,
    );
  }
}

/** A deep copy. */
export function copyFactors(factors: Factors): Factors {
  return { ...factors, Q: factors.Q.slice(), P: factors.P.slice() };
}

/** The predicted (shifted) rating of user u for item i: `q_u . p_i`. */
export function predict(factors: Factors, u: number, i: number): number {
  const { k, Q, P } = factors;
  let s = 0;
  for (let f = 0; f < k; f++) s += Q[u * k + f] * P[i * k + f];
  return s;
}

/** Q as rows of numbers (users x k), for display or for ml-matrix. */
export function qRows(factors: Factors): number[][] {
  const { k, nUsers, Q } = factors;
  return Array.from({ length: nUsers }, (_, u) => Array.from(Q.subarray(u * k, u * k + k)));
}

/** P as rows of numbers (k x items), for display or for ml-matrix. */
export function pRows(factors: Factors): number[][] {
  const { k, nItems, P } = factors;
  return Array.from({ length: k }, (_, f) =>
    Array.from({ length: nItems }, (__, i) => P[i * k + f]),
  );
}
