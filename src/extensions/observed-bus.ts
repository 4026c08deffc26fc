import type { EventBus, LogEntry } from '../bus/index.ts';

/**
 * The bus with `observe` called for each entry this instance appends, before the append: every
 * event of every run this instance runs, once, in seq order. Everything else is the bus itself.
 * `observe` must not throw (wrap hooks with `safeHooks`).
 */
export function observeAppends(bus: EventBus, observe: (runId: string, entry: LogEntry) => void): EventBus {
  const append = (runId: string, entry: LogEntry) => {
    observe(runId, entry);
    return bus.append(runId, entry);
  };
  // Bound once: append runs for every event, and a closure per call would be garbage per event.
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(bus, {
    get(target, property) {
      if (property === 'append') return append;
      // The target as receiver and `this`: getters and methods may use private fields.
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      let method = bound.get(property);
      if (method === undefined) {
        method = value.bind(target);
        bound.set(property, method);
      }
      return method;
    },
  });
}
