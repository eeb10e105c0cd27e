/**
 * The script-tag entry: `<script src=".../grove.js">` defines every element and `window.Grove`.
 * A second copy of Grove on the page keeps the first one's `window.Grove`, whose provider
 * is the one its (first-defined) elements use.
 */
import './define/grove-praise-wall.js';
import './define/grove-praise-composer.js';
import { configure, type GroveConfig } from './core/token-provider.js';
import { version } from './core/version.js';

/** What `window.Grove` offers. */
export interface GroveGlobal {
  configure(config: GroveConfig): void;
  version: string;
}

declare global {
  interface Window {
    Grove?: GroveGlobal;
  }
}

if (window.Grove) console.warn(`[grove] window.Grove ${window.Grove.version} is already present; keeping it (this copy is ${version}).`);
else window.Grove = { configure, version };
