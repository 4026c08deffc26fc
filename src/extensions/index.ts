export { CustomEventError, CustomEventTypes } from './custom-events.ts';
export { eventHooks } from './event-hooks.ts';
export type { ExtensionContext, LoggedEvent, SluiceExtension } from './extension.ts';
export { observeAppends } from './observed-bus.ts';
