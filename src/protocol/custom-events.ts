import { z } from 'zod';

/**
 * A custom event type: a namespace, a dot, then a name (`acme.audit_note`). The dot keeps custom
 * types apart from the canonical ones, which never contain one.
 */
export const CUSTOM_EVENT_TYPE = /^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_.-]*$/;

/**
 * The envelope of an event an extension registered. It is not part of the canonical union (that
 * stays closed); its `data` is checked by the extension's own schema when it is emitted.
 */
export const customEventSchema = z.object({
  event_type: z.string().regex(CUSTOM_EVENT_TYPE),
  seq: z.number().int().positive(),
  run_id: z.string(),
  session_id: z.string(),
  timestamp: z.string(),
  data: z.unknown(),
  metadata: z.record(z.string(), z.unknown()),
});

export type CustomEvent = z.infer<typeof customEventSchema>;

export function isCustomEventType(type: string): boolean {
  return CUSTOM_EVENT_TYPE.test(type);
}
