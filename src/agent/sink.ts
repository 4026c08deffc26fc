import type { EventDraft } from '../protocol/index.ts';

/**
 * Where the agent's events go. The run layer's sink stamps seq, ids and time and appends to the
 * bus; tests collect into an array. Emitting never throws back into the agent and never blocks:
 * a slow consumer is the consumer's problem (DESIGN.md, "Backpressure").
 */
export interface EventSink {
  emit(event: EventDraft): void;
}
