import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface SluiceProcess {
  child: ChildProcess;
  pid: number;
  /** The first address announced as listening, e.g. http://127.0.0.1:39211. */
  url: string;
  /** Every stdout line parsed as JSON (pino lines); other lines are kept in `output`. */
  lines: Array<Record<string, unknown>>;
  /** stdout and stderr as they came, for failure messages. */
  output(): string;
  /** Resolves with the exit code and signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first stdout line for which `match` returns true. */
  waitForLine(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts `sluice start` as a real child process (through tsx, like `npm start`) on 127.0.0.1 with
 * a port of the OS's choosing, and resolves once it logs that it is listening. `args` go after
 * `start`; `env` is added to the current environment.
 */
export async function startSluiceProcess(
  options: { env?: Record<string, string>; args?: string[]; timeoutMs?: number } = {},
): Promise<SluiceProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'start',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--log-level',
      'info',
      ...(options.args ?? []),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, SLUICE_LOG_FORMAT: 'json', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const lines: Array<Record<string, unknown>> = [];
  const watchers = new Set<(line: Record<string, unknown>) => void>();
  let pending = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    output += chunk;
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const text = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      lines.push(line);
      for (const watcher of [...watchers]) watcher(line);
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  // Generous: a loaded machine (tests run two files at a time) can take long to start node and tsx.
  const waitForLine = (match: (line: Record<string, unknown>) => boolean, timeoutMs = 60_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = lines.find(match);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => {
        watchers.delete(watcher);
        reject(new Error(`no matching log line within ${timeoutMs} ms; output:\n${output}`));
      }, timeoutMs);
      const watcher = (line: Record<string, unknown>) => {
        if (!match(line)) return;
        clearTimeout(timer);
        watchers.delete(watcher);
        resolve(line);
      };
      watchers.add(watcher);
      void exited.then(({ code, signal }) => {
        if (!watchers.has(watcher)) return;
        clearTimeout(timer);
        watchers.delete(watcher);
        reject(
          new Error(`sluice exited (${code ?? signal}) before the expected log line; output:\n${output}`),
        );
      });
    });

  const kill = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  let listening: Record<string, unknown>;
  try {
    listening = await waitForLine(
      (line) => typeof line.msg === 'string' && line.msg.includes('listening on'),
      options.timeoutMs,
    );
  } catch (error) {
    kill('SIGKILL');
    throw error;
  }
  return {
    child,
    pid: child.pid ?? 0,
    url: String(listening.address),
    lines,
    output: () => output,
    exited,
    waitForLine,
    kill,
  };
}
