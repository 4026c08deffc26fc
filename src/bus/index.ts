export type { EventBus, LogEntry, LogState, LogSubscriber, Unsubscribe } from './event-bus.ts';
export { MemoryEventBus, type MemoryEventBusOptions } from './memory-bus.ts';
export { RedisEventBus, type RedisEventBusOptions } from './redis-bus.ts';
export { describeRedis } from './redis-connect.ts';
