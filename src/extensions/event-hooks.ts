import type { LogEntry } from '../bus/index.ts';
import type { ExtensionContext, LoggedEvent, SluiceExtension } from './extension.ts';

/**
 * One observer calling each extension's `onEvent`; a hook that throws or rejects is logged with
 * the extension's name and the event, and never disturbs the run or the other hooks.
 */
export function eventHooks(
  extensions: readonly SluiceExtension[],
  ctx: ExtensionContext,
): ((runId: string, entry: LogEntry) => void) | undefined {
  const hooks = extensions.filter((extension) => extension.onEvent);
  if (hooks.length === 0) return undefined;
  return (runId, entry) => {
    const event = entry.event as LoggedEvent;
    for (const extension of hooks) {
      const failed = (error: unknown) =>
        ctx.log.error(
          { err: error, extension: extension.name, runId, seq: entry.seq, eventType: event.event_type },
          'extension event hook failed',
        );
      try {
        const result = extension.onEvent?.(event, ctx);
        if (result instanceof Promise) result.catch(failed);
      } catch (error) {
        failed(error);
      }
    }
  };
}
