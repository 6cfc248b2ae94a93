/** The one rule for seeds, checked where a seed enters: a whole number that fits 32 bits. */
import { showValue } from '../showValue';

/** Throws unless `seed` is an integer in [0, 2^32 - 1]; NaN or a string would act as 0. */
export function checkSeed(where: string, name: string, seed: unknown): void {
  if (typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED) return;
  throw new RangeError(
    `${where}: invalid ${name}: ${showValue(seed)}; expected an integer in [0, ${MAX_SEED}]`,
  );
}

/** Seeds are used as 32-bit unsigned integers. */
const MAX_SEED = 0xffffffff;
