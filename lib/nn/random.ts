/** Seeded randomness for shuffling and sampling, so that every run sees the same order. */

/** A generator of uniform numbers in [0, 1) from a 32-bit seed (mulberry32). */
export function seededRandom(seed: number): () => number {
  // NaN, 1.5 or a string would silently act as another seed (NaN >>> 0 is 0).
  if (!Number.isInteger(seed)) {
    throw new RangeError(`seededRandom: invalid seed: ${seed}; expected an integer`);
  }
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The numbers 0..n-1 in a random order fixed by `seed` (Fisher-Yates). */
export function shuffledIndices(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const random = seededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** `count` distinct numbers from 0..n-1, chosen at random with `seed`. */
export function sampleIndices(n: number, count: number, seed: number): Uint32Array {
  if (!Number.isInteger(count) || !(count >= 0 && count <= n)) {
    throw new RangeError(`cannot pick ${count} of ${n} items, expected a count from 0 to ${n}`);
  }
  return shuffledIndices(n, seed).slice(0, count);
}
