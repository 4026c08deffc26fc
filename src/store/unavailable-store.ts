import { SluiceError } from '../protocol/index.ts';
import type { Store } from './repository.ts';

/**
 * Failures to reach or stay connected to PostgreSQL (refused, reset, terminated, timed out, the
 * server shutting down or not accepting connections yet, authentication), as opposed to errors in
 * a query. Drizzle wraps driver errors (DrizzleQueryError), so the innermost cause decides.
 */
export function isConnectionError(error: unknown): boolean {
  const root = rootCause(error);
  if (!(root instanceof Error) || root instanceof SluiceError) return false;
  const code = (root as { code?: unknown }).code;
  if (typeof code !== 'string') return /timeout|terminated|connect/i.test(root.message);
  // Node socket errors (ECONNREFUSED, ECONNRESET, EPIPE, ...); PostgreSQL classes 08 (connection),
  // 28 (authorization), 3D000 (database does not exist) and 57P01-57P03 (shutting down, crashed,
  // cannot connect now: a server restart).
  return (
    code.startsWith('E') ||
    code.startsWith('08') ||
    code.startsWith('28') ||
    code === '3D000' ||
    /^57P0[123]$/.test(code)
  );
}

/**
 * The store with every connection failure turned into `store_unavailable` (503, retryable), so
 * that a request made while PostgreSQL is away gets an answer from the error table instead of a
 * 500, and the run engine can tell "retry later" from a real failure (see runs/store-retry.ts).
 * Other errors, SluiceErrors included, pass through untouched.
 */
export function reportingUnavailable(store: Store): Store {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, key) {
      // Bound to the target: DrizzleStore keeps its database handle in a private field.
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      let method = wrapped.get(key);
      if (!method) {
        method = (...args: unknown[]) => {
          const result: unknown = value.apply(target, args);
          return result instanceof Promise ? result.catch(rethrowUnavailable) : result;
        };
        wrapped.set(key, method);
      }
      return method;
    },
  });
}

function rethrowUnavailable(error: unknown): never {
  if (isConnectionError(error)) throw new SluiceError('store_unavailable', {}, null, { cause: error });
  throw error;
}

function rootCause(error: unknown): unknown {
  let current = error;
  // Bounded: a cause chain is short, and a cycle must not spin.
  for (let depth = 0; depth < 10 && current instanceof Error && current.cause !== undefined; depth++) {
    current = current.cause;
  }
  return current;
}
