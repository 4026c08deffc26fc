import cluster from 'node:cluster';
import { ConfigError, loadConfig, type SluiceConfig } from '../config/index.ts';
import { createServer } from '../http/index.ts';
import { runPrimary } from './cluster.ts';
import { logDestination } from './log-output.ts';
import { checkConfig, checkLlmEndpoint } from './preflight.ts';
import { runWatched, shouldWatch } from './watch.ts';

export interface StartOptions {
  mode?: string;
  host?: string;
  port?: number;
  workers?: number;
  logLevel?: string;
  config?: string;
  insecureNoAuth?: boolean;
  logFile?: string;
  /** true: --watch, false: --no-watch, undefined: watch in dev mode on an interactive terminal. */
  watch?: boolean;
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
    checkConfig(config);
  } catch (error) {
    fail(error);
  }
  if (shouldWatch(config, options.watch)) {
    await runWatched(process.argv.slice(2));
    return;
  }
  // The LLM endpoint is checked before listening: fatal in prod, a warning in dev.
  const llmProblem = await checkLlmEndpoint(config);
  if (llmProblem && config.mode === 'prod') fail(new Error(llmProblem));
  if (config.workers > 1 && cluster.isPrimary) {
    await runPrimary(config).catch(fail);
    return;
  }

  let server: Awaited<ReturnType<typeof createServer>>;
  try {
    server = await createServer(config, {
      logger: {
        level: config.log_level,
        stream: logDestination({
          mode: config.mode,
          format: config.log_format,
          ...(options.logFile ? { logFile: options.logFile } : {}),
        }),
      },
    });
  } catch (error) {
    fail(error);
  }
  // Handlers go in before listening: a supervisor that signals as soon as it reads the
  // "listening" line must find them installed.
  const log = server.app.log;
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

  const address = await server.listen().catch(fail);
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
  if (llmProblem) log.warn(llmProblem);
}

function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`sluice: ${message}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
