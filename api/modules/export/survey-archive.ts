import { sql } from 'drizzle-orm';
import { rows } from '../../db/client.js';
import { openedRounds, round as roundOf, type Schedule } from '../surveys/rounds.js';
import { SURVEY_COLUMNS, surveyOf, type SurveyColumns } from '../surveys/surveys.service.js';
import type { Round } from '../surveys/surveys.schemas.js';
import { parsed, section, type ArchiveOptions } from './archive.js';
import { revealAnswerText } from './reveal.js';
import type { ReadBatch } from './stream.js';

/**
 * The surveys of a tenant archive (docs/export.md, "Surveys"). The anonymity model
 * (docs/surveys.md) holds here too: participation and answers are exported apart, and of
 * participation only a count per round. Who took part is the one thing an admin never sees
 * beside answers: next to a small group's responses a list of names would say who wrote what.
 */
export async function* tenantSurveySections(read: ReadBatch, o: ArchiveOptions): AsyncGenerator<string> {
  const t = o.tenant.id;
  const now = new Date();

  interface SurveyRow extends SurveyColumns { participation: Array<{ round: number; participants: number }> | string }
  yield* section<SurveyRow, string>(
    'surveys', read, o,
    (tx, id, limit) => rows(tx, sql`select ${SURVEY_COLUMNS},
        (select coalesce(json_agg(json_build_object('round', c.round, 'participants', c.n) order by c.round), '[]'::json)
           from (select sp.round, count(*) as n from app.survey_participation sp
                  where sp.tenant_id = s.tenant_id and sp.survey_id = s.id group by sp.round) c) as participation
      from app.surveys s where s.tenant_id = ${t} ${id === undefined ? sql`` : sql`and s.id > ${id}`} order by s.id limit ${limit}`),
    (s) => s.id,
    async (s) => {
      const survey = surveyOf(s, now);
      const counted = new Map(parsed(s.participation).map((p) => [Number(p.round), Number(p.participants)]));
      // Every round opened so far (with 0 when nobody answered), and any round that has answers.
      const schedule: Schedule = {
        opensAt: new Date(s.opensAt), closesAt: new Date(s.closesAt), recurrence: survey.recurrence, closedAt: s.closedAt ? new Date(s.closedAt) : null,
      };
      const rounds = new Map<number, Round>(openedRounds(schedule, now).map((r) => [r.number, r]));
      for (const n of counted.keys()) if (!rounds.has(n)) rounds.set(n, roundOf(schedule, n));
      return {
        ...survey,
        rounds: [...rounds.values()].sort((a, b) => a.number - b.number).map((r) => ({ ...r, participants: counted.get(r.number) ?? 0 })),
      };
    },
  );

  interface Answer { questionId: string; value: number | null; choices: number[] | null; text: string | null }
  interface ResponseRow { id: string; survey_id: string; round: number; team: string | null; managers: string[]; answers: Answer[] | string }
  yield* section<ResponseRow, [string, number, string]>(
    'surveyResponses', read, o,
    (tx, k, limit) => rows(tx, sql`select r.id, r.survey_id, r.round, r.team, r.managers::text[] as managers,
        (select coalesce(json_agg(json_build_object('questionId', a.question_id, 'value', a.value, 'choices', a.choices, 'text', a.text)
                                  order by a.question_id), '[]'::json)
           from app.survey_answers a where a.tenant_id = r.tenant_id and a.response_id = r.id) as answers
      from app.survey_responses r
      where r.tenant_id = ${t} ${k === undefined ? sql`` : sql`and (r.survey_id, r.round, r.id) > (${k[0]}::uuid, ${k[1]}::int, ${k[2]}::uuid)`}
      order by r.survey_id, r.round, r.id limit ${limit}`),
    (r) => [r.survey_id, Number(r.round), r.id],
    async (r) => {
      const round = Number(r.round);
      return {
        id: r.id,
        surveyId: r.survey_id,
        round,
        team: r.team,
        managers: r.managers,
        answers: parsed(r.answers).map((a) => ({
          questionId: a.questionId,
          value: a.value,
          choices: a.choices,
          text: revealAnswerText(o.reveal, { surveyId: r.survey_id, round, questionId: a.questionId }, a.text),
        })),
      };
    },
  );
}

/** What a person's archive says of surveys: that their answers cannot be found, by design. */
export const SURVEYS_NOTE =
  'The rounds you took part in. Your answers are not here: Grove stores them apart from who took part, with nothing that joins the two, so it cannot tell which answers are yours.';

/** `"surveysTakenPart": { "note": …, "rounds": [{ title, round }] }` of a person archive. */
export async function* personSurveySection(read: ReadBatch, personId: string, o: ArchiveOptions): AsyncGenerator<string> {
  const t = o.tenant.id;
  yield `,"surveysTakenPart":{"note":${JSON.stringify(SURVEYS_NOTE)}`;
  interface Taken { survey_id: string; title: string; round: number }
  yield* section<Taken, [string, number]>(
    'rounds', read, o,
    (tx, k, limit) => rows(tx, sql`select sp.survey_id, s.title, sp.round
      from app.survey_participation sp join app.surveys s on s.tenant_id = sp.tenant_id and s.id = sp.survey_id
      where sp.tenant_id = ${t} and sp.person_id = ${personId}
        ${k === undefined ? sql`` : sql`and (sp.survey_id, sp.round) > (${k[0]}::uuid, ${k[1]}::int)`}
      order by sp.survey_id, sp.round limit ${limit}`),
    (p) => [p.survey_id, Number(p.round)],
    async (p) => ({ title: p.title, round: Number(p.round) }),
  );
  yield '}';
}
