/**
 * An option's value as an error message shows it: strings quoted (so `"4"` is told apart from
 * `4`), everything else as JavaScript prints it (`NaN`, `Infinity`, `undefined`).
 */
export function showValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
