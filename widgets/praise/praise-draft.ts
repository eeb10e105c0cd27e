import type { GivePraiseBody, PraiseItem } from '../../api/modules/praise/praise.schemas.js';
import type { Me, PersonMatch } from '../../api/modules/directory/people.schemas.js';

/** Mirrors the API's limits (`MESSAGE_MAX`, `RECIPIENTS_MAX` in praise.schemas.ts). */
export const MESSAGE_MAX = 2000;
export const RECIPIENTS_MAX = 10;

/** What the user has typed; kept in memory only (never in storage: it may be sensitive). */
export interface PraiseDraft {
  recipients: PersonMatch[];
  message: string;
  values: string[];
  visibility: 'public' | 'private';
}

/** Why a draft cannot be sent yet. */
export type DraftIssue = { field: 'recipients' | 'message'; kind: 'missing' } | { field: 'message'; kind: 'too-long'; over: number };

export const emptyDraft = (): PraiseDraft => ({ recipients: [], message: '', values: [], visibility: 'public' });

/** The request body a draft sends. */
export function draftBody(d: PraiseDraft): GivePraiseBody {
  return { recipientIds: d.recipients.map((r) => r.id), message: d.message.trim(), values: d.values, visibility: d.visibility };
}

/** The first problem keeping a draft from being sent, or `null`. */
export function draftIssue(d: PraiseDraft): DraftIssue | null {
  const length = d.message.trim().length;
  if (!d.recipients.length) return { field: 'recipients', kind: 'missing' };
  if (!length) return { field: 'message', kind: 'missing' };
  if (length > MESSAGE_MAX) return { field: 'message', kind: 'too-long', over: length - MESSAGE_MAX };
  return null;
}

/** The praise as it will look once created, for optimistic display; its id is `pending:<key>`. */
export function draftPreview(d: PraiseDraft, me: Me | null, key: string, now = new Date()): PraiseItem {
  return {
    ...draftBody(d),
    id: `pending:${key}`,
    giver: { id: me?.id ?? '', name: me?.name ?? '', team: me?.team ?? null },
    recipients: d.recipients.map(({ id, name, team }) => ({ id, name, team })),
    createdAt: now.toISOString(),
    reactions: [],
    canDelete: false,
  };
}
