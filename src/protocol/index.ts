export * from './api.ts';
export * from './custom-events.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './ids.ts';
export * from './languages.ts';
export * from './responses.ts';
export * from './texts.ts';
