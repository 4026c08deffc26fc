export { DrizzleStore, type StoreBackend } from './drizzle-store.ts';
export { MIGRATIONS_FOLDER } from './migrate.ts';
export { describeTarget, type OpenStoreOptions, openStore } from './open-store.ts';
export type * from './repository.ts';
