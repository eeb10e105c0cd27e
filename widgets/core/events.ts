import type { GivePraiseBody, PraiseItem } from '../../api/modules/praise/praise.schemas.js';
import type { Problem } from './problem.js';

/** `grove-submit`: cancelable, fired before the API call. */
export interface GroveSubmitDetail {
  body: GivePraiseBody;
  /** Sent as `Idempotency-Key`; the same for every retry of this submission. */
  idempotencyKey: string;
  /** What the praise will look like, for optimistic display (its `id` is `pending:<key>`). */
  preview: PraiseItem;
}

/** `grove-auth-error`: the host could not supply a token. */
export interface GroveAuthErrorDetail {
  problem: Problem;
}

/** `grove-responded`: a person's survey answers were recorded (nothing about the answers). */
export interface GroveRespondedDetail {
  surveyId: string;
  round: number;
}

/** Every Grove event and its detail, declared once. */
export interface GroveEventMap {
  'grove-submit': GroveSubmitDetail;
  'grove-submitted': PraiseItem;
  'grove-submit-error': Problem;
  'grove-deleted': { id: string };
  'grove-auth-error': GroveAuthErrorDetail;
  'grove-responded': GroveRespondedDetail;
}

/** Dispatches a bubbling, composed Grove event; returns false when a listener cancelled it. */
export function emit<K extends keyof GroveEventMap>(
  target: EventTarget,
  name: K,
  detail: GroveEventMap[K],
  cancelable = false,
): boolean {
  return target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable }));
}

declare global {
  interface HTMLElementEventMap {
    'grove-submit': CustomEvent<GroveSubmitDetail>;
    'grove-submitted': CustomEvent<PraiseItem>;
    'grove-submit-error': CustomEvent<Problem>;
    'grove-deleted': CustomEvent<{ id: string }>;
    'grove-auth-error': CustomEvent<GroveAuthErrorDetail>;
    'grove-responded': CustomEvent<GroveRespondedDetail>;
  }
  interface DocumentEventMap {
    'grove-submit': CustomEvent<GroveSubmitDetail>;
    'grove-submitted': CustomEvent<PraiseItem>;
    'grove-submit-error': CustomEvent<Problem>;
    'grove-responded': CustomEvent<GroveRespondedDetail>;
  }
  interface WindowEventMap {
    'grove-auth-error': CustomEvent<GroveAuthErrorDetail>;
  }
}
