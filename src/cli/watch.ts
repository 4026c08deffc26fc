import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { SluiceConfig } from '../config/index.ts';

const CHILD_MARK = 'SLUICE_WATCH_CHILD';

/**
 * Dev mode restarts on source changes for a person at a terminal; scripts, tests and CI (no TTY)
 * get a plain process unless they pass --watch. Never with several workers, never twice.
 */
export function shouldWatch(config: SluiceConfig, flag: boolean | undefined): boolean {
  if (process.env[CHILD_MARK] || config.mode !== 'dev' || config.workers > 1) return false;
  return flag ?? process.stdin.isTTY === true;
}

/**
 * Runs `sluice <args>` under tsx's watcher, which restarts it when a source file it loaded
 * changes; signals go to the watcher, which passes them on. Resolves never: exits with the child.
 */
export async function runWatched(args: string[]): Promise<never> {
  const require = createRequire(import.meta.url);
  const tsxCli = require.resolve('tsx/cli');
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const child = spawn(process.execPath, [tsxCli, 'watch', '--clear-screen=false', main, ...args], {
    stdio: 'inherit',
    env: { ...process.env, [CHILD_MARK]: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  return new Promise<never>(() => {
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  });
}
