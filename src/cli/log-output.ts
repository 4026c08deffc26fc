import { mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** What pino writes to: one JSON line per call. */
export interface LogDestination {
  write(line: string): void;
}

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const COLORS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/**
 * Turns one pino JSON line into `12:00:01.234 INFO  message key=value …`, for people reading a
 * terminal in dev mode. A line that is not JSON passes through unchanged.
 */
export function prettyLine(line: string, color: boolean): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = typeof record.level === 'number' ? record.level : 30;
  const time = new Date(typeof record.time === 'number' ? record.time : Date.now())
    .toISOString()
    .slice(11, 23);
  const name = (LEVELS[level] ?? String(level)).padEnd(5);
  const label = color ? `\u001b[${COLORS[level] ?? '0'}m${name}\u001b[0m` : name;
  const fields = Object.entries(record)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${time} ${label} ${String(record.msg ?? '')}${fields ? ` ${fields}` : ''}\n`;
}

/**
 * Where the server's logs go: readable lines on the console in dev and JSON lines in prod (unless
 * `format` says otherwise), and in both cases JSON lines appended to `logFile` when one is given
 * (the file is for machines).
 */
export function logDestination(options: {
  mode: 'dev' | 'prod';
  format?: 'pretty' | 'json' | undefined;
  logFile?: string;
}): LogDestination {
  const color = process.stdout.isTTY === true;
  const toConsole =
    (options.format ?? (options.mode === 'dev' ? 'pretty' : 'json')) === 'pretty'
      ? (line: string) => process.stdout.write(prettyLine(line, color))
      : (line: string) => process.stdout.write(line);
  if (!options.logFile) return { write: toConsole };
  const path = resolve(options.logFile);
  mkdirSync(dirname(path), { recursive: true });
  // Written synchronously, like the console: a process that exits right after logging (a fatal
  // error, a quick SIGTERM) must not lose its last lines in a stream buffer.
  const fd = openSync(path, 'a');
  let failed = false;
  return {
    write(line) {
      toConsole(line);
      if (failed) return;
      try {
        writeSync(fd, line);
      } catch (error) {
        failed = true;
        process.stderr.write(`sluice: cannot write log file ${path}: ${(error as Error).message}\n`);
      }
    },
  };
}
