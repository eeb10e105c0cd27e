import { z } from '@hono/zod-openapi';
import { Cursor, Limit, Uuid } from '../../shared/schemas.js';

/**
 * The surveys wire format: docs/surveys.md is its prose. The widgets import these types
 * (type-only), so this file depends on nothing but zod and the shared schemas.
 */
export const QUESTION_TYPES = ['likert', 'enps', 'single_choice', 'multiple_choice', 'text'] as const;
export const RECURRENCES = ['week', 'two_weeks', 'month'] as const;
export const HIDDEN_REASONS = ['below_threshold', 'differencing', 'comments_threshold'] as const;
export const SURVEY_STATUSES = ['scheduled', 'open', 'closed'] as const;

export const PROMPT_MAX = 500;
export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 2000;
export const QUESTIONS_MAX = 50;
export const OPTIONS_MIN = 2;
export const OPTIONS_MAX = 20;
export const OPTION_MAX = 200;
export const TEAMS_MAX = 100;
export const PEOPLE_MAX = 10_000;
export const ANSWER_TEXT_MAX = 5000;
/** Never below this, whatever a survey asks for (issue 6). */
export const ANONYMITY_MIN = 3;
export const ANONYMITY_DEFAULT = 5;
export const COMMENTS_DEFAULT = 10;
export const THRESHOLD_MAX = 1000;
export const ROUNDS_MAX = 520;

export const QuestionType = z.enum(QUESTION_TYPES).openapi('SurveyQuestionType');
export type QuestionType = z.infer<typeof QuestionType>;
export const HiddenReason = z.enum(HIDDEN_REASONS).openapi('SurveyHiddenReason');
export type HiddenReason = z.infer<typeof HiddenReason>;
export const SurveyStatus = z.enum(SURVEY_STATUSES);
export type SurveyStatus = z.infer<typeof SurveyStatus>;

/** PostgreSQL stores no NUL in text or jsonb: refused as bad input, not left to fail in the driver. */
const text = (min: number, max: number) =>
  z.string().trim().min(min).max(max).refine((v) => !v.includes('\u0000'), 'must not contain NUL');

const DateTime = z.iso.datetime({ offset: true }).openapi({ format: 'date-time' });
const isChoice = (type: QuestionType) => type === 'single_choice' || type === 'multiple_choice';

export const QuestionInput = z
  .strictObject({
    type: QuestionType,
    prompt: text(1, PROMPT_MAX),
    required: z.boolean().default(false),
    options: z.array(text(1, OPTION_MAX)).min(OPTIONS_MIN).max(OPTIONS_MAX).optional(),
  })
  .superRefine((q, ctx) => {
    if (isChoice(q.type) && !q.options) ctx.addIssue({ code: 'custom', path: ['options'], message: 'choice questions need 2–20 options' });
    if (!isChoice(q.type) && q.options) ctx.addIssue({ code: 'custom', path: ['options'], message: 'only choice questions have options' });
  });
export type QuestionInput = z.infer<typeof QuestionInput>;

export const Question = z
  .object({
    id: Uuid,
    type: QuestionType,
    prompt: z.string(),
    required: z.boolean(),
    options: z.array(z.string()).optional(),
  })
  .openapi('SurveyQuestion');
export type Question = z.infer<typeof Question>;

export const Audience = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('tenant') }),
    z.strictObject({ kind: z.literal('teams'), teams: z.array(text(1, 200)).min(1).max(TEAMS_MAX) }),
    z.strictObject({ kind: z.literal('people'), personIds: z.array(Uuid).min(1).max(PEOPLE_MAX) }),
  ])
  .openapi('SurveyAudience');
export type Audience = z.infer<typeof Audience>;

export const Recurrence = z
  .strictObject({
    every: z.enum(RECURRENCES),
    rounds: z.number().int().min(1).max(ROUNDS_MAX).nullable().openapi({ description: 'null: until closed' }),
  })
  .openapi('SurveyRecurrence');
export type Recurrence = z.infer<typeof Recurrence>;

export const Round = z
  .object({ number: z.number().int(), opensAt: z.string(), closesAt: z.string() })
  .openapi('SurveyRound');
export type Round = z.infer<typeof Round>;

export const Survey = z
  .object({
    id: Uuid,
    title: z.string(),
    description: z.string().nullable(),
    questions: z.array(Question),
    audience: Audience,
    opensAt: z.string(),
    closesAt: z.string().openapi({ description: "The first round's close; each later round lasts as long." }),
    recurrence: Recurrence.nullable(),
    anonymityThreshold: z.number().int(),
    commentThreshold: z.number().int(),
    status: SurveyStatus,
    currentRound: Round.nullable(),
    createdAt: z.string(),
    viewer: z
      .object({
        inAudience: z.boolean(),
        responded: z.boolean().openapi({ description: 'Answered the current round.' }),
      })
      .optional()
      .openapi({ description: 'Only for user tokens.' }),
  })
  .openapi('Survey');
export type Survey = z.infer<typeof Survey>;

export const SurveyPage = z.object({ items: z.array(Survey), nextCursor: z.string().nullable() }).openapi('SurveyPage');
export type SurveyPage = z.infer<typeof SurveyPage>;
export const OpenSurveys = z.object({ items: z.array(Survey) }).openapi('OpenSurveys');
export type OpenSurveys = z.infer<typeof OpenSurveys>;

const Thresholds = {
  anonymityThreshold: z.number().int().min(ANONYMITY_MIN).max(THRESHOLD_MAX),
  commentThreshold: z.number().int().min(ANONYMITY_MIN).max(THRESHOLD_MAX),
};

export const CreateSurveyBody = z
  .strictObject({
    title: text(1, TITLE_MAX),
    description: text(0, DESCRIPTION_MAX).nullable().optional(),
    questions: z.array(QuestionInput).min(1).max(QUESTIONS_MAX),
    audience: Audience,
    opensAt: DateTime,
    closesAt: DateTime,
    recurrence: Recurrence.nullable().optional(),
    anonymityThreshold: Thresholds.anonymityThreshold.default(ANONYMITY_DEFAULT),
    commentThreshold: Thresholds.commentThreshold.default(COMMENTS_DEFAULT),
  })
  .openapi('CreateSurvey');
export type CreateSurveyBody = z.infer<typeof CreateSurveyBody>;

export const UpdateSurveyBody = z
  .strictObject({
    title: text(1, TITLE_MAX).optional(),
    description: text(0, DESCRIPTION_MAX).nullable().optional(),
    closesAt: DateTime.optional(),
    audience: Audience.optional(),
    anonymityThreshold: Thresholds.anonymityThreshold.optional(),
    commentThreshold: Thresholds.commentThreshold.optional(),
    questions: z.array(QuestionInput).min(1).max(QUESTIONS_MAX).optional().openapi({
      description: 'Replaces every question; only before the survey opens (409 survey-locked after).',
    }),
  })
  .openapi('UpdateSurvey');
export type UpdateSurveyBody = z.infer<typeof UpdateSurveyBody>;

export const Answer = z
  .strictObject({
    questionId: Uuid,
    value: z.number().int().min(0).max(20).optional().openapi({ description: 'likert 1–5, enps 0–10, single_choice option index' }),
    choices: z.array(z.number().int().min(0).max(OPTIONS_MAX - 1)).min(1).max(OPTIONS_MAX).optional(),
    text: z.string().trim().min(1).max(ANSWER_TEXT_MAX).optional(),
  })
  .openapi('SurveyAnswer');
export type Answer = z.infer<typeof Answer>;

export const RespondBody = z
  .strictObject({ answers: z.array(Answer).max(QUESTIONS_MAX) })
  .openapi('SurveyResponse');
export type RespondBody = z.infer<typeof RespondBody>;

/** All that a response returns, and all the idempotency store keeps of it. */
export const ResponseReceipt = z.object({ surveyId: Uuid, round: z.number().int() }).openapi('SurveyResponseReceipt');
export type ResponseReceipt = z.infer<typeof ResponseReceipt>;

export const AnswerError = z.object({
  questionId: z.string(),
  reason: z.enum(['missing_required', 'wrong_type', 'out_of_range', 'unknown_question', 'duplicate']),
});
export type AnswerError = z.infer<typeof AnswerError>;

export const SurveyIdParam = z.strictObject({ id: Uuid });
export const ListQuery = z.strictObject({ limit: Limit, cursor: Cursor.optional() });
export type ListQuery = z.infer<typeof ListQuery>;

export const ResultsQuery = z.strictObject({
  round: z.coerce.number().int().min(1).max(100_000).optional(),
  groupBy: z.enum(['team', 'manager']).optional(),
  team: text(1, 200).optional(),
  manager: Uuid.optional().openapi({ description: "A person id: that manager's whole reporting line." }),
});
export type ResultsQuery = z.infer<typeof ResultsQuery>;

const QuestionFigures = z.object({
  questionId: Uuid,
  mean: z.number().nullable(),
  favourability: z.number().nullable(),
  enps: z.number().nullable(),
});
export type QuestionFigures = z.infer<typeof QuestionFigures>;

export const QuestionResult = z
  .object({
    questionId: Uuid,
    type: QuestionType,
    prompt: z.string(),
    responses: z.number().int().nullable(),
    hidden: HiddenReason.nullable(),
    distribution: z.array(z.object({ value: z.number().int(), label: z.string().nullable(), count: z.number().int() })).nullable(),
    mean: z.number().nullable(),
    favourability: z.number().nullable(),
    enps: z
      .object({ score: z.number(), promoters: z.number(), passives: z.number(), detractors: z.number() })
      .nullable(),
    comments: z.object({ hidden: HiddenReason.nullable(), items: z.array(z.string()) }).nullable(),
  })
  .openapi('SurveyQuestionResult');
export type QuestionResult = z.infer<typeof QuestionResult>;

export const GroupResult = z
  .object({
    key: z.string(),
    label: z.string(),
    respondents: z.number().int().nullable(),
    hidden: HiddenReason.nullable(),
    questions: z.array(QuestionFigures),
  })
  .openapi('SurveyGroupResult');
export type GroupResult = z.infer<typeof GroupResult>;

export const Results = z
  .object({
    surveyId: Uuid,
    round: Round,
    rounds: z.array(Round),
    thresholds: z.object({ anonymity: z.number().int(), comments: z.number().int() }),
    filter: z.object({ team: z.string().nullable(), manager: z.string().nullable() }),
    participation: z.object({ invited: z.number().int(), responded: z.number().int(), rate: z.number() }),
    hidden: HiddenReason.nullable(),
    questions: z.array(QuestionResult),
    breakdown: z.object({ by: z.enum(['team', 'manager']), groups: z.array(GroupResult) }).nullable(),
  })
  .openapi('SurveyResults');
export type Results = z.infer<typeof Results>;

export const TrendRound = Round.extend({
  respondents: z.number().int().nullable(),
  hidden: HiddenReason.nullable(),
  questions: z.array(QuestionFigures),
});
export const Trend = z.object({ surveyId: Uuid, rounds: z.array(TrendRound) }).openapi('SurveyTrend');
export type Trend = z.infer<typeof Trend>;
export type TrendRound = z.infer<typeof TrendRound>;

export const TrendQuery = ResultsQuery.pick({ team: true, manager: true });
export type TrendQuery = z.infer<typeof TrendQuery>;
