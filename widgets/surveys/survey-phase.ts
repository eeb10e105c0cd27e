import type { Survey } from '../../api/modules/surveys/surveys.schemas.js';

/** Where the person is with the survey. */
export type SurveyPhase = 'none' | 'answering' | 'thanks' | 'already' | 'closed' | 'not-open' | 'not-in-audience';

/** The phase a freshly loaded survey starts in: only an open round, for someone in the audience who has not answered, is answerable. */
export function phaseOf(survey: Survey | undefined): SurveyPhase {
  if (!survey) return 'none';
  if (survey.status === 'closed') return 'closed';
  if (survey.status === 'scheduled' || !survey.currentRound) return 'not-open';
  if (survey.viewer && !survey.viewer.inAudience) return 'not-in-audience';
  if (survey.viewer?.responded) return 'already';
  return 'answering';
}
