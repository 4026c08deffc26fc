import { ConfigError, loadConfig, type SluiceConfig } from '../config/index.ts';
import { createServer } from '../http/index.ts';

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
    throw new ConfigError(
      `--workers ${config.workers}: several processes need a shared store and bus (DATABASE_URL and REDIS_URL); ` +
        'multi-process serving is not available in this version yet, run one process per host',
    );
  }
}

function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`sluice: ${message}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
