import { sql } from 'drizzle-orm';
import { boolean, foreignKey, index, integer, jsonb, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Audience, Question } from '../../modules/surveys/surveys.schemas.js';
import { app, tenantIsolation } from './namespaces.js';
import { people } from './people.js';

/**
 * Surveys and their answers. The anonymity model (docs/surveys.md) is in the shape of these
 * tables: who took part (`survey_participation`) and what was answered (`survey_responses`,
 * `survey_answers`) share no column but the survey and the round. Answer-side rows carry no
 * person, token, request id or timestamp, and their ids are random (v4), not time-ordered.
 */
export const surveys = app.table(
  'surveys',
  {
    tenantId: uuid().notNull(),
    /** UUIDv7: newest first is id descending. */
    id: uuid().notNull(),
    title: text().notNull(),
    description: text(),
    /** The questions with their API-assigned ids; replaced whole, and only before opening. */
    questions: jsonb().$type<Question[]>().notNull(),
    audience: jsonb().$type<Audience>().notNull(),
    opensAt: timestamp({ withTimezone: true }).notNull(),
    closesAt: timestamp({ withTimezone: true }).notNull(),
    recurrenceEvery: text().$type<'week' | 'two_weeks' | 'month'>(),
    recurrenceRounds: integer(),
    anonymityThreshold: integer().notNull(),
    commentThreshold: integer().notNull(),
    /** An explicit close (POST /close); rounds end at the earlier of their own close and this. */
    closedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), tenantIsolation('surveys')],
).enableRLS();

/**
 * Who answered which round: one row per person and round, the lock that makes "one answer per
 * person per round" hold under concurrent submits. No timestamp: it would only help line rows up.
 */
export const surveyParticipation = app.table(
  'survey_participation',
  {
    tenantId: uuid().notNull(),
    surveyId: uuid().notNull(),
    round: integer().notNull(),
    personId: uuid().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.surveyId, t.round, t.personId] }),
    foreignKey({ columns: [t.tenantId, t.surveyId], foreignColumns: [surveys.tenantId, surveys.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.personId], foreignColumns: [people.tenantId, people.id] }).onDelete('cascade'),
    tenantIsolation('survey_participation'),
  ],
).enableRLS();

/**
 * One row per submitted response: the respondent's group attributes at answer time (team, and
 * the manager chain from direct manager to the top), which is what breakdowns group by. A group
 * key, never the person.
 */
export const surveyResponses = app.table(
  'survey_responses',
  {
    tenantId: uuid().notNull(),
    /** Random (v4): carries no time and no order. */
    id: uuid().notNull().default(sql`gen_random_uuid()`),
    surveyId: uuid().notNull(),
    round: integer().notNull(),
    team: text(),
    managers: uuid().array().notNull().default(sql`'{}'::uuid[]`),
    /**
     * False until the mixer (mixing.ts) has rewritten the round: until then the row sits in
     * arrival order and shares its transaction id with a participation row.
     */
    mixed: boolean().notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('survey_responses_round').on(t.tenantId, t.surveyId, t.round),
    index('survey_responses_unmixed').on(t.tenantId, t.surveyId, t.round).where(sql`not mixed`),
    foreignKey({ columns: [t.tenantId, t.surveyId], foreignColumns: [surveys.tenantId, surveys.id] }).onDelete('cascade'),
    tenantIsolation('survey_responses'),
  ],
).enableRLS();

/** One row per answered question of a response. `text` is sealed (answer-text.ts). */
export const surveyAnswers = app.table(
  'survey_answers',
  {
    tenantId: uuid().notNull(),
    responseId: uuid().notNull(),
    /** Repeated from the response so a round's answers are one index range. */
    surveyId: uuid().notNull(),
    round: integer().notNull(),
    questionId: uuid().notNull(),
    /**
     * The response's group attributes, repeated so results aggregate one table without a join
     * (bench/surveys.ts: the join cost more than the aggregation).
     */
    team: text(),
    managers: uuid().array().notNull().default(sql`'{}'::uuid[]`),
    value: smallint(),
    choices: smallint().array(),
    text: text(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.responseId, t.questionId] }),
    index('survey_answers_round').on(t.tenantId, t.surveyId, t.round, t.questionId),
    foreignKey({ columns: [t.tenantId, t.responseId], foreignColumns: [surveyResponses.tenantId, surveyResponses.id] }).onDelete('cascade'),
    tenantIsolation('survey_answers'),
  ],
).enableRLS();
