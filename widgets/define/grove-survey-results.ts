import { defineElement } from '../core/define.js';
import { GroveSurveyResults } from '../surveys/survey-results.js';

defineElement('grove-survey-results', GroveSurveyResults);

declare global {
  interface HTMLElementTagNameMap {
    'grove-survey-results': GroveSurveyResults;
  }
}
