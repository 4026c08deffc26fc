import { z } from 'zod';
import type { SluiceExtension, Tool } from '../index.ts';

/** The data of `acme.audit_note` events. */
const auditNote = z.object({
  note: z.string().min(1),
  severity: z.enum(['info', 'warning']),
});

/** A tool the model calls to leave an audit note; the note streams as an `acme.audit_note` event. */
const auditTool: Tool<{ note: string; severity: string }> = {
  name: 'audit_note',
  description: 'Records an audit note about the conversation (severity: info or warning).',
  inputSchema: z.object({ note: z.string(), severity: z.string() }),
  async execute(input, ctx) {
    // Throws when the data does not match the schema: the tool call fails, the run goes on.
    ctx.emitEvent?.('acme.audit_note', { note: input.note, severity: input.severity });
    return { recorded: true };
  },
};

/** Audit notes, an event log line per run end, and a header plus a closed path as middleware. */
export const auditExtension: SluiceExtension = {
  name: 'acme-audit',
  eventTypes: { 'acme.audit_note': auditNote },
  tools: [auditTool],
  onEvent(event, ctx) {
    if (event.event_type === 'conversation_end') ctx.log.info({ runId: event.run_id }, 'run ended');
  },
  register(app) {
    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-acme-audit', 'on');
      if (request.url.startsWith('/api/internal/')) {
        return reply.code(403).send({ error: { code: 'forbidden', message: 'internal', details: null } });
      }
    });
  },
};
