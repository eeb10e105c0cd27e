import { defineElement } from '../core/define.js';
import { GroveSurvey } from '../surveys/survey.js';

defineElement('grove-survey', GroveSurvey);

declare global {
  interface HTMLElementTagNameMap {
    'grove-survey': GroveSurvey;
  }
}
