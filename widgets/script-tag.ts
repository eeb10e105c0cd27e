/**
 * The script-tag entry: `<script src=".../grove.js">` defines the praise elements and
 * `window.Grove` at once, and fetches the survey elements (their own chunk, next to grove.js)
 * the first time a survey tag is on the page, so pages without surveys never download them.
 */
import './define/grove-praise-wall.js';
import './define/grove-praise-composer.js';
import { installGlobal } from './global.js';
import { surveysOnFirstUse } from './surveys/lazy.js';

/** The survey chunk's file name, content-hashed; written in by the build (rollup.config.mjs). */
declare const __GROVE_SURVEYS_CHUNK__: string;

// currentScript is this <script> while it runs (defer and async included); chunks live beside it.
const here = (document.currentScript as HTMLScriptElement | null)?.src || location.href;
installGlobal({ load: surveysOnFirstUse(new URL(__GROVE_SURVEYS_CHUNK__, here).href) });
