import { describe, expect, it } from 'vitest';
import type { Question } from '../../api/modules/surveys/surveys.schemas.js';
import {
  ANSWER_TEXT_MAX,
  answerText,
  answerIssue,
  answeredCount,
  issues,
  responseBody,
  scale,
  toggleChoice,
  withAnswer,
  type Answers,
} from './survey-answers.js';

const q = (id: string, type: Question['type'], required = false, options?: string[]): Question => ({
  id,
  type,
  prompt: id,
  required,
  ...(options && { options }),
});
const questions = [
  q('likert', 'likert', true),
  q('enps', 'enps', true),
  q('single', 'single_choice', false, ['Office', 'Home', 'Both']),
  q('multi', 'multiple_choice', true, ['Lunch', 'Gym', 'Books']),
  q('text', 'text'),
];

describe('survey answers', () => {
  it('offers Likert 1–5, eNPS 0–10 and one value per option', () => {
    expect(scale(questions[0]!)).toEqual([1, 2, 3, 4, 5]);
    expect(scale(questions[1]!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(scale(questions[2]!)).toEqual([0, 1, 2]);
  });

  it('flags every unanswered required question, and only those', () => {
    expect(issues(questions, {}).map((i) => i.questionId)).toEqual(['likert', 'enps', 'multi']);
    const answers: Answers = {
      likert: { value: 4 },
      enps: { value: 0 },
      multi: { choices: [] },
      text: { text: '   ' },
    };
    expect(issues(questions, answers)).toEqual([{ questionId: 'multi', issue: 'required' }]);
  });

  it('treats eNPS 0 as an answer, not as missing', () => {
    expect(answerIssue(questions[1]!, { value: 0 })).toBeNull();
  });

  it('flags open text over the API limit even when optional', () => {
    expect(answerIssue(questions[4]!, { text: 'x'.repeat(ANSWER_TEXT_MAX + 1) })).toBe('too-long');
    expect(answerIssue(questions[4]!, { text: 'x'.repeat(ANSWER_TEXT_MAX) })).toBeNull();
  });

  it('toggles choices into a sorted, distinct list', () => {
    let a = toggleChoice(undefined, 2);
    a = toggleChoice(a, 0);
    expect(a.choices).toEqual([0, 2]);
    expect(toggleChoice(a, 2).choices).toEqual([0]);
  });

  it('sends only answered questions, each in the field its type uses, with text trimmed', () => {
    let answers: Answers = {};
    answers = withAnswer(answers, 'likert', { value: 5 });
    answers = withAnswer(answers, 'enps', { value: 0 });
    answers = withAnswer(answers, 'multi', { choices: [1, 2] });
    answers = withAnswer(answers, 'text', { text: '  More quiet rooms  ' });
    expect(responseBody({ questions }, answers)).toEqual({
      answers: [
        { questionId: 'likert', value: 5 },
        { questionId: 'enps', value: 0 },
        { questionId: 'multi', choices: [1, 2] },
        { questionId: 'text', text: 'More quiet rooms' },
      ],
    });
    expect(answeredCount(questions, answers)).toBe(4);
  });

  it('does not change the answers it is given', () => {
    const before: Answers = { likert: { value: 1 } };
    const after = withAnswer(before, 'likert', { value: 2 });
    expect(before.likert).toEqual({ value: 1 });
    expect(after.likert).toEqual({ value: 2 });
  });

  it('writes each answer in words for the review step', () => {
    const likert = ['SD', 'D', 'N', 'A', 'SA'];
    expect(answerText(questions[0]!, { value: 4 }, likert)).toBe('4 · A');
    expect(answerText(questions[1]!, { value: 0 }, likert)).toBe('0');
    expect(answerText(questions[2]!, { value: 1 }, likert)).toBe('Home');
    expect(answerText(questions[3]!, { choices: [0, 2] }, likert)).toBe('Lunch, Books');
    expect(answerText(questions[4]!, { text: '  Quiet rooms ' }, likert)).toBe('Quiet rooms');
    expect(answerText(questions[3]!, { choices: [] }, likert)).toBeNull();
    expect(answerText(questions[0]!, undefined, likert)).toBeNull();
  });
});
