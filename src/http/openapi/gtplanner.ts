import { z } from 'zod';
import { agentContextRequestSchema } from '../../dialects/index.ts';
import { LANGUAGES, runStatusSchema, usageSchema } from '../../protocol/index.ts';
import type { ApiArea } from './operation.ts';

/**
 * The data of every GTPlanner frame: `connection`, the canonical events (with the client's
 * `session_id`), `heartbeat` at `heartbeat_interval`, `complete` with the result summary, `close`.
 */
const gtplannerFrame = z.looseObject({});

const timestamp = z.iso.datetime({ offset: true });

const sessionStatus = z.object({
  session_id: z.string(),
  exists: z.literal(true),
  kind: z
    .enum(['gtplanner', 'sluice'])
    .describe("`gtplanner`: found by the client's session_id; `sluice`: a Sluice session id."),
  sluice_session_id: z.uuid(),
  is_active: z.boolean(),
  status: z.union([runStatusSchema, z.literal('idle')]),
  run_id: z.uuid().nullable(),
  agent_id: z.string(),
  language: z.enum(LANGUAGES).nullable(),
  model: z.string().nullable(),
  message_count: z.number().int(),
  tool_call_count: z.number().int(),
  events_count: z.number().int(),
  usage: usageSchema.nullable(),
  created_at: timestamp,
  started_at: timestamp.nullable(),
  ended_at: timestamp.nullable(),
  last_activity: timestamp,
  events_url: z.string().nullable(),
});

/** routes/gtplanner.ts */
export const gtplannerArea: ApiArea = {
  tag: 'GTPlanner',
  description:
    'The GTPlanner SSE API: the `planner` agent on a client-held `AgentContextRequest`, streamed as GTPlanner frames. See docs/dialects.md.',
  schemas: {
    AgentContextRequest: agentContextRequestSchema,
    GtplannerFrame: gtplannerFrame,
    GtplannerSessionStatus: sessionStatus,
  },
  operations: [
    {
      method: 'POST',
      path: '/api/chat/agent',
      operationId: 'gtplannerChat',
      summary: 'Run the planner on a client-held context',
      description:
        "`connection`, the run's events, `heartbeat` frames, `complete` (the result summary with `tool_execution_results_updates` and the new messages), then `close`. `buffer_events` and `include_metadata` are honoured.",
      body: agentContextRequestSchema,
      examples: [
        {
          body: { session_id: 'openapi-plan', dialogue_history: [{ role: 'user', content: 'what is 2+2?' }] },
        },
      ],
      responses: {
        200: {
          description: 'GTPlanner frames.',
          events: gtplannerFrame,
          headers: {
            'x-sluice-run-id': 'The run.',
            'x-sluice-session-id': "The Sluice session behind the client's session_id.",
          },
        },
      },
      errors: ['unsupported_language', 'session_busy'],
    },
    {
      method: 'GET',
      path: '/api/sessions/:id/status',
      operationId: 'gtplannerSessionStatus',
      summary: "A session's status (GTPlanner's `get_session_status`)",
      description: "`id` is the client's GTPlanner `session_id` or a Sluice session id.",
      responses: { 200: { description: 'The status.', json: sessionStatus } },
      errors: ['session_not_found'],
    },
  ],
};
