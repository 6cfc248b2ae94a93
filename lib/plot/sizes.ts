/**
 * Checks of the sizes the figure functions take, run once where a figure is made, so that a
 * bad size fails with its name and value instead of deep inside Plot or resvg.
 */

/** Throws unless `value` is a finite number of pixels, at least 1 (a width, height or side). */
export function checkPixels(where: string, name: string, value: number): void {
  if (!(value >= 1) || !Number.isFinite(value)) {
    throw new RangeError(`${where}: invalid ${name}: ${value}; expected a finite number >= 1`);
  }
}

/** Throws unless `value` is a finite number > 0 (a scale factor, a side that may be small). */
export function checkPositive(where: string, name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${where}: invalid ${name}: ${value}; expected a finite number > 0`);
  }
}
