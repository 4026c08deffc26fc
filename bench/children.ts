import { type ChildProcess, fork } from 'node:child_process';

const children = new Set<ChildProcess>();
let hooked = false;

/** SIGKILLs every child still running; safe to call more than once. */
export function killChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

/** Kills the children on any way out of the orchestrator: normal exit, error, Ctrl-C, SIGTERM. */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killChildren();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/** A forked TypeScript child (through tsx) with IPC, its stdout and stderr passed through. */
export function forkChild(script: URL, execArgv: string[] = [], args: string[] = []): ChildProcess {
  hookExit();
  const child = fork(script, args, {
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/**
 * Waits for the child's next message that `accept` returns a value for. Rejects when the child
 * exits first, sends `{ type: 'error' }`, or `timeoutMs` passes.
 */
export function nextMessage<T>(
  child: ChildProcess,
  accept: (message: unknown) => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: unknown) => {
      const m = message as { type?: string; message?: string };
      if (m.type === 'error') {
        done();
        reject(new Error(`${what}: ${m.message ?? 'child reported an error'}`));
        return;
      }
      const value = accept(message);
      if (value === undefined) return;
      done();
      resolve(value);
    };
    const onExit = (code: number | null, signal: string | null) => {
      done();
      reject(new Error(`${what}: child exited (${signal ?? code}) before answering`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
