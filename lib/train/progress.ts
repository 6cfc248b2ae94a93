/**
 * The one progress shape every trainer reports (ALS, SGD, the autoencoder), so that one
 * helper can log it and one can draw every loss curve from it.
 */

/** One report from a trainer. */
export interface Progress {
  /** The trainer's step: an iteration, an epoch or a batch, counted from 1. */
  step: number;
  /** Seconds since training started. */
  elapsedSeconds: number;
  /** Named losses at this step, for example `{ train: 0.91, validation: 1.02 }`. */
  losses: Record<string, number>;
}

/** Called by a trainer after each evaluation. */
export type ProgressCallback = (progress: Progress) => void;

/** Calls each given callback in turn; undefined entries are skipped. */
export function allProgress(...callbacks: (ProgressCallback | undefined)[]): ProgressCallback {
  const chosen = callbacks.filter((c): c is ProgressCallback => c !== undefined);
  return (progress) => {
    for (const callback of chosen) callback(progress);
  };
}

/** One log line: `step 12  1.3 s  train 0.9100  validation 1.0200`. */
export function formatProgress(progress: Progress, label = 'step'): string {
  const losses = Object.entries(progress.losses)
    .map(([name, value]) => `${name} ${formatLoss(value)}`)
    .join('  ');
  return `${label} ${progress.step}  ${progress.elapsedSeconds.toFixed(1)} s  ${losses}`;
}

function formatLoss(value: number): string {
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude >= 1e5 || magnitude < 1e-3)
    ? value.toExponential(4)
    : value.toFixed(4);
}
