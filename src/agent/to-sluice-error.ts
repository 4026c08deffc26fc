import { SluiceError } from '../protocol/index.ts';

/**
 * Normalises anything thrown inside a run. An abort wins over whatever the aborted code threw,
 * because cancellation often surfaces as an unrelated-looking error (a reset socket, say).
 */
export function toSluiceError(thrown: unknown, signal?: AbortSignal): SluiceError {
  if (signal?.aborted) {
    return thrown instanceof SluiceError && thrown.code === 'run_cancelled'
      ? thrown
      : new SluiceError('run_cancelled', {}, null, { cause: thrown });
  }
  if (thrown instanceof SluiceError) return thrown;
  return new SluiceError('internal_error', {}, null, { cause: thrown });
}
