/**
 * A guard for the functions that build or run models: they need the backend latentlab
 * chose. Without it tfjs would quietly start its slow default CPU backend (with its console
 * banner) after a failed or forgotten `initBackend()`.
 */
import { backendInfo } from './backend';

/** Throws, naming `caller`, when `initBackend()` has not finished successfully. */
export function requireBackend(caller: string): void {
  if (backendInfo() === undefined) {
    throw new Error(
      `${caller}: no TensorFlow.js backend chosen: await initBackend() first ` +
        '(it failed or was not called)',
    );
  }
}
