import { loadConfig } from '../config/index.ts';

export interface CheckOptions {
  host?: string;
  port?: number;
  timeout: number;
}

/** Exit 0 when the server at host:port answers /health with 200, else 1 with the reason. */
export async function checkCommand(options: CheckOptions): Promise<void> {
  const config = await loadConfig({
    flags: {
      ...(options.host ? { host: options.host } : {}),
      ...(options.port === undefined ? {} : { port: options.port }),
    },
  }).catch((error: Error) => {
    process.stderr.write(`sluice check: ${error.message}\n`);
    process.exit(2);
  });
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${config.port}/health`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(options.timeout) });
    const body = await response.text();
    process.stdout.write(`${url}: ${response.status} ${body}\n`);
    process.exit(response.status === 200 ? 0 : 1);
  } catch (error) {
    process.stderr.write(`${url}: not reachable (${(error as Error).message})\n`);
    process.exit(1);
  }
}
