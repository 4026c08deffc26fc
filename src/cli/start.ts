import cluster from 'node:cluster';
import { ConfigError, loadConfig, type SluiceConfig } from '../config/index.ts';
import { createServer } from '../http/index.ts';
import { runPrimary } from './cluster.ts';

export interface StartOptions {
  mode?: string;
  host?: string;
  port?: number;
  workers?: number;
  logLevel?: string;
  config?: string;
  insecureNoAuth?: boolean;
}

/** Loads and checks the configuration, serves until SIGTERM/SIGINT, then shuts down gracefully. */
export async function startCommand(options: StartOptions): Promise<void> {
  let config: SluiceConfig;
  try {
    config = await loadConfig({
      flags: {
        ...(options.mode ? { mode: options.mode } : {}),
        ...(options.host ? { host: options.host } : {}),
        ...(options.port === undefined ? {} : { port: options.port }),
        ...(options.workers === undefined ? {} : { workers: options.workers }),
        ...(options.logLevel ? { log_level: options.logLevel } : {}),
        ...(options.insecureNoAuth ? { insecure_no_auth: true } : {}),
      },
      ...(options.config ? { file: options.config } : {}),
    });
    preflight(config);
  } catch (error) {
    fail(error);
  }
  if (config.workers > 1 && cluster.isPrimary) {
    await runPrimary(config).catch(fail);
    return;
  }

  let server: Awaited<ReturnType<typeof createServer>>;
  try {
    server = await createServer(config, { logger: { level: config.log_level } });
  } catch (error) {
    fail(error);
  }
  const address = await server.listen().catch(fail);
  const log = server.app.log;
  log.info(
    {
      address,
      mode: config.mode,
      provider: server.ctx.providers.defaultKind,
      store: server.ctx.store.kind,
      bus: server.ctx.bus.kind,
    },
    `Sluice is listening on ${address} (console at ${address}/)`,
  );
  if (server.ctx.auth.open) log.warn('no API keys configured: the API is open to anyone who can reach it');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      // A worker gets Ctrl-C from the terminal and SIGTERM from the primary: the primary escalates.
      if (cluster.isWorker) return;
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal, graceMs: config.runs.shutdown_grace_ms }, 'shutting down');
    server
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** Refuses configurations that would start in a state the user did not ask for. */
function preflight(config: SluiceConfig): void {
  if (config.mode === 'prod' && config.api_keys.length === 0 && !config.insecure_no_auth) {
    throw new ConfigError(
      'prod mode needs API keys (SLUICE_API_KEYS=key:tenant[,key:tenant]) or an explicit --insecure-no-auth',
    );
  }
  if (config.workers > 1) {
    const missing = [
      ...(config.database_url ? [] : ['DATABASE_URL (PostgreSQL)']),
      ...(config.redis_url ? [] : ['REDIS_URL (Redis)']),
    ];
    if (missing.length > 0) {
      throw new ConfigError(
        `--workers ${config.workers} runs ${config.workers} processes that share sessions, runs and streams: ` +
          `set ${missing.join(' and ')}`,
      );
    }
  }
}

function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`sluice: ${message}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
