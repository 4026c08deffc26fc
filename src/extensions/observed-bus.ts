import type { EventBus, LogEntry } from '../bus/index.ts';

/**
 * The bus with `observe` called for each entry this instance appends, before the append: every
 * event of every run this instance runs, once, in seq order. Everything else is the bus itself.
 * `observe` must not throw (wrap hooks with `safeHooks`).
 */
export function observeAppends(bus: EventBus, observe: (runId: string, entry: LogEntry) => void): EventBus {
  return new Proxy(bus, {
    get(target, property) {
      if (property === 'append') {
        return (runId: string, entry: LogEntry) => {
          observe(runId, entry);
          return target.append(runId, entry);
        };
      }
      // The target as receiver and `this`: getters and methods may use private fields.
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
