import type { z } from 'zod';
import { isUuid, type Language, normalizeLanguage, SluiceError } from '../protocol/index.ts';

/** Parses with a shared zod schema; failures become `validation_failed` listing each issue. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));
  const summary = issues
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join('; ');
  throw new SluiceError('validation_failed', { issues: summary }, { issues });
}

/** An explicitly requested language must be one of the five; undefined stays undefined. */
export function requestedLanguage(value: string | undefined): Language | undefined {
  if (value === undefined) return undefined;
  const language = normalizeLanguage(value);
  if (!language) throw new SluiceError('unsupported_language', { language: value.slice(0, 35) });
  return language;
}

/** Ids are UUIDs; anything else cannot name an existing resource, so it is simply not found. */
export function resourceId(value: unknown, notFound: 'session_not_found' | 'run_not_found'): string {
  if (!isUuid(value)) throw new SluiceError(notFound, { id: String(value).slice(0, 64) });
  return value;
}
