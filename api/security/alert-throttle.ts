import type { AlertPayload } from './alerts.js';

/** What one delivery says: the first event of its batch and how many it stands for. */
export interface AlertMessage {
  event: AlertPayload;
  /** Events of this type for this tenant that the message stands for (1 for a lone event). */
  count: number;
  /** When the last of them happened. */
  lastAt: string;
  /** Ids of the first events of the batch (at most 20). */
  eventIds: string[];
}

export interface ThrottleOptions {
  /** Events of one type for one tenant within this window become one digest (0: no digests). */
  windowMs: number;
  /** Messages a destination may receive at once (token bucket capacity). */
  burst: number;
  /** Messages per minute a destination receives once its burst is spent (refill rate). */
  perMinute: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { windowMs: 60_000, burst: 10, perMinute: 10 };

const SAMPLE_IDS = 20;

interface Batch {
  first: AlertPayload;
  lastAt: string;
  count: number;
  ids: string[];
}

interface Group {
  batch: Batch | undefined;
  /** Until then, events of this group wait and join the next digest. */
  quietUntil: number;
}

interface DestinationState {
  send: (message: AlertMessage) => void;
  tokens: number;
  refilledAt: number;
  groups: Map<string, Group>;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Keeps an attack from flooding an inbox or an endpoint, without losing count. Per destination:
 * the first event of a (tenant, type) group goes out at once; the ones that follow within the
 * window wait and leave together as one digest that says how many they were; and a token bucket
 * caps the messages a destination receives whatever the number of groups. Waiting batches keep
 * counting, so every event is accounted for in some message (and always in the security_events
 * table and the metrics, which this does not touch).
 */
export class AlertThrottle {
  private readonly destinations = new Map<string, DestinationState>();

  constructor(
    private readonly options: ThrottleOptions = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  offer(destination: string, send: (message: AlertMessage) => void, group: string, event: AlertPayload): void {
    let state = this.destinations.get(destination);
    if (!state) {
      state = { send, tokens: this.options.burst, refilledAt: this.now(), groups: new Map(), timer: undefined };
      this.destinations.set(destination, state);
    }
    state.send = send; // the latest settings (a rotated webhook secret) send what waits
    let entry = state.groups.get(group);
    if (!entry) {
      entry = { batch: undefined, quietUntil: 0 };
      state.groups.set(group, entry);
    }
    if (entry.batch) {
      entry.batch.count++;
      entry.batch.lastAt = event.at;
      if (entry.batch.ids.length < SAMPLE_IDS) entry.batch.ids.push(event.id);
    } else {
      entry.batch = { first: event, lastAt: event.at, count: 1, ids: [event.id] };
    }
    this.pump(destination, state);
  }

  /** Sends every waiting batch now, windows and buckets aside (shutdown: nothing is kept back). */
  flush(): void {
    for (const state of this.destinations.values()) {
      clearTimeout(state.timer);
      state.timer = undefined;
      for (const entry of state.groups.values()) if (entry.batch) this.emit(state, entry);
    }
    this.destinations.clear();
  }

  /** Batches still waiting for their window or for a token. */
  waiting(): number {
    let n = 0;
    for (const state of this.destinations.values()) for (const entry of state.groups.values()) if (entry.batch) n++;
    return n;
  }

  private pump(key: string, state: DestinationState): void {
    const now = this.now();
    const perMs = this.options.perMinute / 60_000;
    state.tokens = Math.min(this.options.burst, state.tokens + (now - state.refilledAt) * perMs);
    state.refilledAt = now;
    let wakeAt = Infinity;
    for (const [name, entry] of state.groups) {
      if (!entry.batch) {
        if (entry.quietUntil <= now) state.groups.delete(name);
        continue;
      }
      if (entry.quietUntil > now) {
        wakeAt = Math.min(wakeAt, entry.quietUntil);
        continue;
      }
      if (state.tokens < 1) {
        wakeAt = Math.min(wakeAt, now + Math.ceil((1 - state.tokens) / perMs));
        continue;
      }
      state.tokens -= 1;
      this.emit(state, entry);
      entry.quietUntil = now + this.options.windowMs;
      if (this.options.windowMs === 0) state.groups.delete(name);
    }
    clearTimeout(state.timer);
    state.timer = undefined;
    if (wakeAt !== Infinity) {
      state.timer = setTimeout(() => this.pump(key, state), Math.max(1, wakeAt - now));
      state.timer.unref(); // a waiting digest must not keep a CLI alive; close() flushes it
    } else if (state.groups.size === 0) {
      this.destinations.delete(key);
    }
  }

  private emit(state: DestinationState, entry: Group): void {
    const batch = entry.batch!;
    entry.batch = undefined;
    state.send({ event: batch.first, count: batch.count, lastAt: batch.lastAt, eventIds: batch.ids });
  }
}
