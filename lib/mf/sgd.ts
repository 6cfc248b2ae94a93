/**
 * One epoch of plain (non-batched) stochastic gradient descent: the known ratings in a
 * fresh shuffled order, one at a time. For a rating r_ui with error e = r_ui - q_u p_i:
 *   q_u <- q_u + learningRate (e p_i - lambda q_u)
 *   p_i <- p_i + learningRate (e q_u - lambda p_i)   (with the q_u just updated)
 */
import { SparseMatrix } from '../sparse/matrix';
import { SeededRandom } from '../sparse/random';
import { Factors } from './factors';

/** Reusable state of SGD: the entries in coordinate form and the shuffled order. */
export class SgdEpochs {
  private readonly rows: Int32Array;
  private readonly cols: Int32Array;
  private readonly values: Float64Array;
  private readonly order: Int32Array;
  private readonly random: SeededRandom;

  constructor(matrix: SparseMatrix, seed = 0) {
    const entries = matrix.entries();
    this.rows = entries.rows;
    this.cols = entries.cols;
    this.values = entries.values;
    this.order = new Int32Array(matrix.nnz);
    for (let e = 0; e < this.order.length; e++) this.order[e] = e;
    this.random = new SeededRandom(seed);
  }

  /** One pass over all known ratings, updating Q and P in place. */
  epoch(factors: Factors, lambda: number, learningRate: number): void {
    const { k, Q, P } = factors;
    const { rows, cols, values, order } = this;
    this.random.shuffle(order);
    const decay = 1 - learningRate * lambda;
    for (let o = 0; o < order.length; o++) {
      const e = order[o];
      const qo = rows[e] * k;
      const po = cols[e] * k;
      let s0 = 0;
      let s1 = 0;
      let f = 0;
      for (; f + 1 < k; f += 2) {
        s0 += Q[qo + f] * P[po + f];
        s1 += Q[qo + f + 1] * P[po + f + 1];
      }
      if (f < k) s0 += Q[qo + f] * P[po + f];
      const step = learningRate * (values[e] - s0 - s1);
      // Both updates in one pass: p_i uses the q_u just written.
      for (let g = 0; g < k; g++) {
        const p = P[po + g];
        const q = decay * Q[qo + g] + step * p;
        Q[qo + g] = q;
        P[po + g] = decay * p + step * q;
      }
    }
  }
}
