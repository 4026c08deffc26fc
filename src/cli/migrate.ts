import { loadConfig } from '../config/index.ts';
import { openStore } from '../store/index.ts';

/** Applies migrations (openStore runs them) and exits. */
export async function migrateCommand(options: { config?: string }): Promise<void> {
  const config = await loadConfig(options.config ? { file: options.config } : {});
  const store = await openStore({
    dataDir: config.data_dir,
    ...(config.database_url ? { databaseUrl: config.database_url } : {}),
    ...(config.database_schema ? { schema: config.database_schema } : {}),
  });
  await store.close();
  process.stdout.write(`migrations applied (${store.kind})\n`);
}
