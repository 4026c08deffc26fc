import { z } from 'zod';

/**
 * Request and response bodies of the native API, shared by the server (validation), the client
 * SDK and the tests. Languages are plain strings here: an unsupported one gets its own error code
 * (`unsupported_language`) rather than a generic validation failure.
 */

const metadata = z.record(z.string(), z.unknown());

export const createSessionBody = z.strictObject({
  agent_id: z.string().min(1).max(64).optional(),
  language: z.string().min(1).max(35).optional(),
  title: z.string().max(200).optional(),
  metadata: metadata.optional(),
});
export type CreateSessionBody = z.infer<typeof createSessionBody>;

export const updateSessionBody = z
  .strictObject({
    title: z.string().max(200).optional(),
    language: z.string().min(1).max(35).optional(),
    metadata: metadata.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: 'give at least one of title, language, metadata',
  });
export type UpdateSessionBody = z.infer<typeof updateSessionBody>;

export const listSessionsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.uuid().optional(),
});

export const ON_DISCONNECT = ['continue', 'cancel'] as const;
export const MULTITASK = ['reject', 'enqueue', 'interrupt'] as const;

export const startRunBody = z.strictObject({
  message: z.string().min(1).max(1_000_000),
  language: z.string().min(1).max(35).optional(),
  on_disconnect: z.enum(ON_DISCONNECT).default('continue'),
  multitask: z.enum(MULTITASK).default('reject'),
  /** Seconds of idleness before a heartbeat comment. */
  heartbeat_interval: z.number().min(1).max(300).optional(),
});
export type StartRunBody = z.input<typeof startRunBody>;

export const runEventsQuery = z.strictObject({
  after: z.string().optional(),
  heartbeat_interval: z.coerce.number().min(1).max(300).optional(),
});

export const idParams = z.strictObject({ id: z.uuid() });
