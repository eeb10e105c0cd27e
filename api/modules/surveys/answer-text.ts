import type { EncryptedColumn, FieldRef } from '../../security/encrypted-columns.js';
import type { TenantFields } from '../../security/field-cipher.js';

/**
 * The one door through which open-text answers (people's writing) reach and leave the database:
 * sealed by the field cipher under the tenant's data key (security/field-cipher.ts), like every
 * free text.
 *
 * What is bound in as additional data is the tenant, the survey, the round and the question,
 * not the response: the answer mixer rewrites every response under a new random id
 * (mixing.ts), in SQL, without the keys. A sealed answer therefore cannot be moved to another
 * tenant, survey, round or question; moving it to another anonymous response of the same
 * question and round is possible for someone with write access to the table, and tells nothing.
 */
export const surveyAnswerText: EncryptedColumn = {
  table: 'survey_answers',
  column: 'text',
  key: [
    { name: 'response_id', type: 'uuid' },
    { name: 'question_id', type: 'uuid' },
  ],
  bind: ['survey_id', 'round', 'question_id'],
};

export interface AnswerPlace {
  surveyId: string;
  round: number;
  questionId: string;
}

// Lower case, as the database prints uuids: rotation rebuilds this from the stored columns.
const refOf = (at: AnswerPlace): FieldRef => ({
  table: 'survey_answers',
  column: 'text',
  rowId: `${at.surveyId.toLowerCase()}/${at.round}/${at.questionId.toLowerCase()}`,
});

export function sealAnswerText(fields: TenantFields, at: AnswerPlace, text: string): string {
  return fields.seal(refOf(at), text);
}

/** The text, or undefined when it does not open (recorded as `decryption_failed` by the cipher). */
export function openAnswerText(fields: TenantFields, at: AnswerPlace, sealed: string): string | undefined {
  return fields.open(refOf(at), sealed);
}
