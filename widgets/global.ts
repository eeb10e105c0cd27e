/**
 * `window.Grove`. A second copy of Grove on the page keeps the first one's `window.Grove`, whose
 * provider is the one its (first-defined) elements use.
 */
import { configure, type GroveConfig } from './core/token-provider.js';
import { version } from './core/version.js';

/** What `window.Grove` offers. */
export interface GroveGlobal {
  configure(config: GroveConfig): void;
  version: string;
  /** Loads the elements that grove.js fetches on first use (surveys) now; resolves once they are defined. */
  load?: () => Promise<void>;
}

declare global {
  interface Window {
    Grove?: GroveGlobal;
  }
}

/** Installs `window.Grove` unless another copy did. */
export function installGlobal(extra: Partial<GroveGlobal> = {}): void {
  if (window.Grove) console.warn(`[grove] window.Grove ${window.Grove.version} is already present; keeping it (this copy is ${version}).`);
  else window.Grove = { configure, version, ...extra };
}
