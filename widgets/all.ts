/**
 * Every element, defined eagerly, and `window.Grove`: the ES module counterpart of the
 * script-tag bundle (`import 'grove/dist/esm/all.js'`). The script tag uses script-tag.ts.
 */
import './define/grove-praise-wall.js';
import './define/grove-praise-composer.js';
import './define/grove-survey.js';
import './define/grove-survey-results.js';
import { installGlobal } from './global.js';

installGlobal({ load: () => Promise.resolve() });
