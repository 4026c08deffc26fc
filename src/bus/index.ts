export type { EventBus, LogEntry, LogState, LogSubscriber, Unsubscribe } from './event-bus.ts';
export { MemoryEventBus, type MemoryEventBusOptions } from './memory-bus.ts';
