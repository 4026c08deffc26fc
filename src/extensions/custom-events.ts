import type { ZodType } from 'zod';
import { type EventDraft, isCustomEventType } from '../protocol/index.ts';
import type { SluiceExtension } from './extension.ts';

/** Thrown into the emitting tool: an unregistered custom event type or data its schema refuses. */
export class CustomEventError extends Error {
  override name = 'CustomEventError';
}

/** The custom event types of all extensions, by type. */
export class CustomEventTypes {
  private readonly schemas = new Map<string, { schema: ZodType; extension: string }>();

  /** Throws when a type has no namespace or two extensions register the same type. */
  constructor(extensions: readonly SluiceExtension[]) {
    for (const extension of extensions) {
      for (const [type, schema] of Object.entries(extension.eventTypes ?? {})) {
        if (!isCustomEventType(type)) {
          throw new Error(
            `extension "${extension.name}": event type "${type}" needs a namespace, e.g. "acme.${type}"`,
          );
        }
        const other = this.schemas.get(type);
        if (other) {
          throw new Error(
            `extension "${extension.name}": event type "${type}" is already registered by "${other.extension}"`,
          );
        }
        this.schemas.set(type, { schema, extension: extension.name });
      }
    }
  }

  get size(): number {
    return this.schemas.size;
  }

  /**
   * The draft for the run's log, with `data` as its schema parsed it; throws CustomEventError.
   * The draft is typed as canonical because the log's types are; consumers that switch on
   * `event_type` skip it.
   */
  draft(type: string, data: unknown): EventDraft {
    const entry = this.schemas.get(type);
    if (!entry) throw new CustomEventError(`event type "${type}" is not registered`);
    const parsed = entry.schema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CustomEventError(
        `event "${type}" has invalid data: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
      );
    }
    return { event_type: type, data: parsed.data } as unknown as EventDraft;
  }
}
