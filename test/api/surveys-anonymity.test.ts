import { idempotentResponseRef } from '../../api/http/idempotency.fields.js';
import { openAnswerText } from '../../api/modules/surveys/answer-text.js';
import { isSealed, tenantFields, type AesFieldCipher } from '../../api/security/field-cipher.js';
import { rotateTenantKey } from '../../api/security/key-operations.js';
import { Writable } from 'node:stream';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../api/db/client.js';
import { mixSurveyAnswers } from '../../api/modules/surveys/mixing.js';
import { testGrove, type TestGrove } from '../support/grove.js';
import { openSurveyBody, RESPONDENTS, surveyOrg, type SurveyOrg } from './surveys-fixture.js';

/**
 * Anonymity by design, checked on the stored data itself (owner connection, as an operator
 * would see it): nothing on an answer-side row names a person, and neither column values, nor
 * order, nor transaction ids line answers up with participation once the mixer has run.
 */

let t: TestGrove;
let acme: SurveyOrg;
const logLines: string[] = [];
let survey: { id: string; questions: Array<{ id: string }> };
const requestIds: string[] = [];
/** Each respondent's own answer text, in the order they answered. */
const textOf = (who: string) => `my words, ${who}`;

const q = <T>(query: ReturnType<typeof sql>) => rows<T>(t.grove.deps.database.db, query);
/** Answer text rests sealed under the tenant's data key: what it says, for comparing orders. */
const plain = async (sealed: string, surveyId: string, questionId: string) => {
  await t.grove.deps.cipher.prepare(acme.tenant.id);
  return openAnswerText(tenantFields(t.grove.deps.cipher, acme.tenant.id), { surveyId, round: 1, questionId }, sealed);
};
const ANSWER_TABLES = ['survey_responses', 'survey_answers'];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  t = await testGrove({}, { log: pino({ level: 'trace' }, sink) });
  acme = await surveyOrg(t);
  const created = await acme.as('hr')('POST', '/v1/surveys', openSurveyBody([
    { type: 'likert', prompt: 'Fine?' },
    { type: 'text', prompt: 'Say' },
  ]));
  survey = created.body;
  for (const [i, who] of RESPONDENTS.entries()) {
    const reply = await acme.as(who)('POST', `/v1/surveys/${survey.id}/responses`, {
      answers: [{ questionId: survey.questions[0]!.id, value: (i % 5) + 1 }, { questionId: survey.questions[1]!.id, text: textOf(who) }],
    });
    expect(reply.status).toBe(201);
    requestIds.push(reply.headers.get('x-request-id')!);
  }
});
afterAll(() => t.close());

describe('the answer tables, from the catalog', () => {
  it('hold exactly these columns: group keys, the round, the values; no person, token, request or time', async () => {
    const columns = await q<{ table_name: string; column_name: string; data_type: string; column_default: string | null }>(
      sql`select table_name, column_name, data_type, column_default from information_schema.columns
           where table_schema = 'app' and table_name in ('survey_responses', 'survey_answers') order by table_name, ordinal_position`,
    );
    expect(columns.map((c) => `${c.table_name}.${c.column_name}:${c.data_type}`)).toEqual([
      'survey_answers.tenant_id:uuid',
      'survey_answers.response_id:uuid',
      'survey_answers.survey_id:uuid',
      'survey_answers.round:integer',
      'survey_answers.question_id:uuid',
      'survey_answers.team:text',
      'survey_answers.managers:ARRAY',
      'survey_answers.value:smallint',
      'survey_answers.choices:ARRAY',
      'survey_answers.text:text',
      'survey_responses.tenant_id:uuid',
      'survey_responses.id:uuid',
      'survey_responses.survey_id:uuid',
      'survey_responses.round:integer',
      'survey_responses.team:text',
      'survey_responses.managers:ARRAY',
      'survey_responses.mixed:boolean',
    ]);
    // No default that captures a time, a transaction, a sequence or a session.
    for (const c of columns.filter((c) => c.column_default)) expect(c.column_default, c.column_name).toMatch(/^(gen_random_uuid\(\)|'\{\}'::uuid\[\]|false)$/);
  });

  it('have no foreign key to people, no trigger, and share only tenant, survey and round with participation', async () => {
    const fks = await q<{ table_name: string; target: string }>(
      sql`select c.conrelid::regclass::text as table_name, c.confrelid::regclass::text as target from pg_constraint c
           where c.contype = 'f' and c.conrelid::regclass::text in ('app.survey_responses', 'app.survey_answers')`,
    );
    expect(fks.map((f) => f.target).sort()).toEqual(['app.survey_responses', 'app.surveys']);
    const triggers = await q<{ n: number }>(
      sql`select count(*)::int as n from pg_trigger where not tgisinternal and tgrelid::regclass::text like 'app.survey%'`,
    );
    expect(triggers[0]!.n).toBe(0);
    const shared = await q<{ column_name: string }>(
      sql`select a.column_name from information_schema.columns a join information_schema.columns p
            on p.table_schema = 'app' and p.table_name = 'survey_participation' and p.column_name = a.column_name
           where a.table_schema = 'app' and a.table_name in ('survey_responses', 'survey_answers') group by a.column_name order by 1`,
    );
    expect(shared.map((s) => s.column_name)).toEqual(['round', 'survey_id', 'tenant_id']);
  });
});

describe('the stored rows', () => {
  it('never hold a respondent\'s id or a request id', async () => {
    for (const table of ANSWER_TABLES) {
      const [dump] = await q<{ text: string }>(sql`select coalesce(string_agg(x::text, '|'), '') as text from ${sql.raw(`app.${table}`)} x`);
      expect(dump!.text.length).toBeGreaterThan(0);
      // Managers' ids are group keys by design; the respondents here manage nobody.
      for (const who of RESPONDENTS) expect(dump!.text, `${table} holds ${who}`).not.toContain(acme.ids[who]!);
      for (const id of requestIds) expect(dump!.text).not.toContain(id);
    }
  });

  it('after mixing: no shared transaction id, and neither physical nor id order follows the order of participation', async () => {
    const before = await q<{ n: number }>(
      sql`select count(*)::int as n from app.survey_participation p join app.survey_responses r on r.xmin::text = p.xmin::text`,
    );
    // What the mixer is for: a response is written in its participation row's transaction.
    expect(before[0]!.n).toBe(RESPONDENTS.length);
    const resultsBefore = (await acme.as('hr')('GET', `/v1/surveys/${survey.id}/results`)).body;

    expect(await mixSurveyAnswers(t.grove.deps.database)).toBeGreaterThanOrEqual(1);
    expect(await mixSurveyAnswers(t.grove.deps.database)).toBe(0); // nothing new to mix

    for (const table of ANSWER_TABLES) {
      const joined = await q<{ n: number }>(
        sql`select count(*)::int as n from app.survey_participation p join ${sql.raw(`app.${table}`)} r on r.xmin::text = p.xmin::text`,
      );
      expect(joined[0]!.n, table).toBe(0);
    }
    const participationOrder = (await q<{ person_id: string }>(sql`select person_id from app.survey_participation where survey_id = ${survey.id} order by ctid`)).map(
      (r) => textOf(Object.entries(acme.ids).find(([, id]) => id === r.person_id)![0]),
    );
    expect(participationOrder).toHaveLength(RESPONDENTS.length);
    for (const order of ['ctid', 'response_id']) {
      const sealed = await q<{ text: string }>(sql`select text from app.survey_answers where survey_id = ${survey.id} and text is not null order by ${sql.raw(order)}`);
      expect(sealed.every((r) => isSealed(r.text))).toBe(true);
      const answerOrder = await Promise.all(sealed.map((r) => plain(r.text, survey.id, survey.questions[1]!.id)));
      expect(answerOrder.slice().sort()).toEqual(participationOrder.slice().sort());
      expect(answerOrder, order).not.toEqual(participationOrder);
    }
    const responseOrder = await q<{ id: string }>(sql`select id from app.survey_responses where survey_id = ${survey.id} order by ctid`);
    const answerResponseOrder = await q<{ response_id: string }>(sql`select response_id from app.survey_answers where survey_id = ${survey.id} and text is not null order by ctid`);
    expect(answerResponseOrder.map((r) => r.response_id)).not.toEqual(responseOrder.map((r) => r.id));
    // Mixing changes no figure.
    const resultsAfter = (await acme.as('hr')('GET', `/v1/surveys/${survey.id}/results`)).body;
    const figures = (r: { questions: Array<{ comments: unknown }> }) => r.questions.map((x) => ({ ...x, comments: null }));
    expect(figures(resultsAfter)).toEqual(figures(resultsBefore));
  });

  it('answer text rests sealed, bound to its survey, round and question: mixed, then re-encrypted under a new tenant key, it still reads', async () => {
    const [one] = await q<{ text: string }>(sql`select text from app.survey_answers where survey_id = ${survey.id} and text is not null limit 1`);
    expect(isSealed(one!.text)).toBe(true);
    expect(one!.text).not.toContain('my words');
    // Moved to another question, it does not open.
    expect(await plain(one!.text, survey.id, survey.questions[0]!.id)).toBeUndefined();
    const rotation = await rotateTenantKey(t.grove.deps.database, t.grove.deps.cipher as AesFieldCipher, acme.tenant.id, { settleMs: 0 });
    expect(rotation.failed).toBe(0);
    expect(rotation.resealed).toBeGreaterThanOrEqual(RESPONDENTS.length);
    const results = (await acme.as('hr')('GET', `/v1/surveys/${survey.id}/results`)).body;
    const comments = results.questions.find((x: { questionId: string }) => x.questionId === survey.questions[1]!.id).comments;
    expect(comments.items.slice().sort()).toEqual(RESPONDENTS.map(textOf).sort());
  });

  it('mixing while people answer loses nothing and duplicates nothing', async () => {
    const s = (await acme.as('hr')('POST', '/v1/surveys', openSurveyBody([{ type: 'likert', prompt: 'Now?' }]))).body;
    const first = RESPONDENTS.slice(0, 10);
    const rest = RESPONDENTS.slice(10);
    const send = (who: string) => acme.as(who)('POST', `/v1/surveys/${s.id}/responses`, { answers: [{ questionId: s.questions[0].id, value: 4 }] });
    for (const who of first) expect((await send(who)).status).toBe(201);
    for (const who of rest) await acme.token(who); // minted before the race
    const [mixed, ...replies] = await Promise.all([mixSurveyAnswers(t.grove.deps.database), ...rest.map(send)]);
    expect(mixed).toBeGreaterThanOrEqual(1);
    expect(replies.map((r) => r.status)).toEqual(rest.map(() => 201));
    await mixSurveyAnswers(t.grove.deps.database);
    const [counts] = await q<{ p: number; r: number; a: number; unmixed: number }>(
      sql`select (select count(*)::int from app.survey_participation where survey_id = ${s.id}) as p,
                 (select count(*)::int from app.survey_responses where survey_id = ${s.id}) as r,
                 (select count(*)::int from app.survey_answers where survey_id = ${s.id}) as a,
                 (select count(*)::int from app.survey_responses where survey_id = ${s.id} and not mixed) as unmixed`,
    );
    expect(counts).toEqual({ p: RESPONDENTS.length, r: RESPONDENTS.length, a: RESPONDENTS.length, unmixed: 0 });
  });

  it('the idempotency store keeps only the receipt, and its fingerprint does not depend on the answers', async () => {
    const s = (await acme.as('hr')('POST', '/v1/surveys', openSurveyBody([{ type: 'text', prompt: 'Say' }]))).body;
    const send = (text: string) =>
      acme.as('o1')('POST', `/v1/surveys/${s.id}/responses`, { answers: [{ questionId: s.questions[0].id, text }] }, { 'idempotency-key': 'anon-key-0001' });
    const first = await send('idempotency secret');
    expect(first.status).toBe(201);
    const [stored] = await q<{ body: string; principal: string }>(sql`select body #>> '{}' as body, principal from app.idempotency_keys where key = 'anon-key-0001'`);
    // Sealed like every stored first response; what it holds is the receipt alone.
    await t.grove.deps.cipher.prepare(acme.tenant.id);
    const receipt = t.grove.deps.cipher.open(acme.tenant.id, idempotentResponseRef(stored!.principal, 'anon-key-0001'), stored!.body);
    expect(JSON.parse(receipt!)).toEqual({ surveyId: s.id, round: 1 });
    // Another body under the same key replays the receipt: the body was never fingerprinted.
    const other = await send('something else');
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotent-replayed')).toBe('true');
    const [dump] = await q<{ text: string }>(sql`select string_agg(x::text, '|') as text from app.idempotency_keys x`);
    expect(dump!.text).not.toContain('idempotency secret');
  });

  it('no log line holds an answer, and failures say nothing about them', async () => {
    const s = (await acme.as('hr')('POST', '/v1/surveys', openSurveyBody([{ type: 'text', prompt: 'Say', required: true }, { type: 'likert', prompt: 'x' }]))).body;
    const bad = await acme.as('o2')('POST', `/v1/surveys/${s.id}/responses`, { answers: [{ questionId: s.questions[1].id, value: 9 }, { questionId: s.questions[0].id, text: 'logged secret \u0000' }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).not.toContain('logged secret');
    const good = await acme.as('o2')('POST', `/v1/surveys/${s.id}/responses`, { answers: [{ questionId: s.questions[0].id, text: 'logged secret two' }] });
    expect(good.status).toBe(201);
    await t.grove.drain();
    const all = logLines.join('\n');
    expect(all).toContain('request'); // the logger did capture the access log
    for (const secret of ['logged secret', 'my words']) expect(all).not.toContain(secret);
  });
});
