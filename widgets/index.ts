/**
 * The bundler entry: classes and configuration, no side effects. Register the tags you use
 * with `import 'grove/define/grove-praise-wall'`, `import 'grove/define/grove-survey'`… (or call
 * `customElements.define` yourself).
 */
export { PraiseWall } from './praise/praise-wall.js';
export { PraiseComposer } from './praise/praise-composer.js';
export type { PraiseDraft } from './praise/praise-draft.js';
export { GroveSurvey, type SurveyPhase } from './surveys/survey.js';
export { GroveSurveyResults } from './surveys/survey-results.js';
export type { Answers, AnswerDraft } from './surveys/survey-answers.js';
export { GroveElement } from './core/base-element.js';
export { configure, provider, TokenProvider, type GroveConfig } from './core/token-provider.js';
export { GroveClient, client, type FeedParams, type Reaction, type ReactionCount } from './core/client.js';
export { ProblemError, problemCode, type Problem } from './core/problem.js';
export { defineElement } from './core/define.js';
export type { GroveEventMap, GroveSubmitDetail, GroveAuthErrorDetail, GroveRespondedDetail } from './core/events.js';
export { version } from './core/version.js';
