import type { Answer, Question, RespondBody, Survey } from '../../api/modules/surveys/surveys.schemas.js';

/** Mirrors the API's limit (`ANSWER_TEXT_MAX` in surveys.schemas.ts). */
export const ANSWER_TEXT_MAX = 5000;

/** What the person has chosen or typed for one question. */
export interface AnswerDraft {
  value?: number;
  choices?: number[];
  text?: string;
}

/**
 * Answers by question id. Kept in memory only, never in storage: answers to an anonymous
 * survey must not outlive the page on a shared computer.
 */
export type Answers = Readonly<Record<string, AnswerDraft>>;

/** Why a question cannot be sent as it is. */
export type AnswerIssue = 'required' | 'too-long';

/** The values a scale question offers, in order: Likert 1–5, eNPS 0–10, a choice's option indexes. */
export function scale(q: Question): number[] {
  if (q.type === 'likert') return [1, 2, 3, 4, 5];
  if (q.type === 'enps') return Array.from({ length: 11 }, (_, i) => i);
  return (q.options ?? []).map((_, i) => i);
}

/** Whether the draft holds an answer to send for the question. */
export function isAnswered(q: Question, a: AnswerDraft | undefined): boolean {
  if (!a) return false;
  if (q.type === 'multiple_choice') return !!a.choices?.length;
  if (q.type === 'text') return !!a.text?.trim();
  return a.value !== undefined;
}

/** What keeps one question's answer from being sent, or `null`. */
export function answerIssue(q: Question, a: AnswerDraft | undefined): AnswerIssue | null {
  if (q.type === 'text' && (a?.text?.trim().length ?? 0) > ANSWER_TEXT_MAX) return 'too-long';
  if (q.required && !isAnswered(q, a)) return 'required';
  return null;
}

/** Every question with an issue, in survey order. */
export function issues(questions: readonly Question[], answers: Answers): { questionId: string; issue: AnswerIssue }[] {
  return questions.flatMap((q) => {
    const issue = answerIssue(q, answers[q.id]);
    return issue ? [{ questionId: q.id, issue }] : [];
  });
}

/** A new answers object with one question's answer replaced (a new object, so Lit sees it). */
export function withAnswer(answers: Answers, questionId: string, a: AnswerDraft): Answers {
  return { ...answers, [questionId]: a };
}

/** Toggles one option of a multiple-choice answer, keeping the indexes sorted and distinct. */
export function toggleChoice(a: AnswerDraft | undefined, index: number): AnswerDraft {
  const set = new Set(a?.choices ?? []);
  if (set.has(index)) set.delete(index);
  else set.add(index);
  return { choices: [...set].sort((x, y) => x - y) };
}

/** The request body: answered questions only (unanswered optional ones are simply left out). */
export function responseBody(survey: Pick<Survey, 'questions'>, answers: Answers): RespondBody {
  const out: Answer[] = [];
  for (const q of survey.questions) {
    const a = answers[q.id];
    if (!isAnswered(q, a)) continue;
    if (q.type === 'multiple_choice') out.push({ questionId: q.id, choices: a!.choices! });
    else if (q.type === 'text') out.push({ questionId: q.id, text: a!.text!.trim() });
    else out.push({ questionId: q.id, value: a!.value! });
  }
  return { answers: out };
}

/** How many questions hold an answer. */
export function answeredCount(questions: readonly Question[], answers: Answers): number {
  return questions.filter((q) => isAnswered(q, answers[q.id])).length;
}

/** An answer in words, as the person chose it (an option's label, not its index); `null` when unanswered. */
export function answerText(q: Question, a: AnswerDraft | undefined, likertLabels: readonly string[]): string | null {
  if (!a || !isAnswered(q, a)) return null;
  if (q.type === 'likert') return `${a.value} · ${likertLabels[a.value! - 1] ?? ''}`;
  if (q.type === 'enps') return String(a.value);
  if (q.type === 'single_choice') return q.options?.[a.value!] ?? String(a.value);
  if (q.type === 'multiple_choice') return a.choices!.map((i) => q.options?.[i] ?? String(i)).join(', ');
  return a.text!.trim();
}
