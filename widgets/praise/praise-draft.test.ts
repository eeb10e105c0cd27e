import { describe, expect, it } from 'vitest';
import { draftBody, draftIssue, draftPreview, emptyDraft, MESSAGE_MAX } from './praise-draft.js';

const ada = { id: '0193a6f2-7c1e-7b3a-9d2e-5f1c0a9b8e21', name: 'Ada', email: null, team: 'R&D' };

describe('praise draft', () => {
  it('reports the missing recipient first, then the empty message, then the length', () => {
    expect(draftIssue(emptyDraft())).toEqual({ field: 'recipients', kind: 'missing' });
    expect(draftIssue({ ...emptyDraft(), recipients: [ada], message: '   ' })).toEqual({ field: 'message', kind: 'missing' });
    expect(draftIssue({ ...emptyDraft(), recipients: [ada], message: 'x'.repeat(MESSAGE_MAX + 2) })).toEqual({
      field: 'message',
      kind: 'too-long',
      over: 2,
    });
    expect(draftIssue({ ...emptyDraft(), recipients: [ada], message: 'Thanks!' })).toBeNull();
  });

  it('builds the API body and an optimistic preview that keeps markup as text', () => {
    const message = '<img src=x onerror=alert(1)> javascript:alert(1)';
    const draft = { ...emptyDraft(), recipients: [ada], message: `  ${message} `, values: ['care'] };
    expect(draftBody(draft)).toEqual({ recipientIds: [ada.id], message, values: ['care'], visibility: 'public' });
    const preview = draftPreview(draft, null, 'k1', new Date(0));
    expect(preview).toMatchObject({ id: 'pending:k1', message, recipients: [{ id: ada.id, name: 'Ada', team: 'R&D' }], canDelete: false });
  });
});
