/**
 * The survey elements' chunk of the script-tag bundle (`dist/grove-surveys.<hash>.js`), which
 * `dist/grove.js` imports the first time a survey tag is on the page (see lazy.ts). It defines
 * the tags through the kit, i.e. with grove.js's own registry helper, Lit and token provider.
 */
import { defineElement } from './kit.js';
import { GroveSurveyResults } from './survey-results.js';
import { GroveSurvey } from './survey.js';

defineElement('grove-survey', GroveSurvey);
defineElement('grove-survey-results', GroveSurveyResults);
