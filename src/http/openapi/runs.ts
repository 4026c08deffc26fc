import { z } from 'zod';
import {
  cancelRunResponseSchema,
  canonicalEventSchema,
  idParams,
  runEventsQuery,
  runSchema,
  startRunBody,
  usageSchema,
} from '../../protocol/index.ts';
import type { ApiArea } from './operation.ts';

const streamHeaders = {
  'x-sluice-run-id': 'The run this stream belongs to.',
  'x-sluice-session-id': 'The session of the run.',
};

const acceptHeader = z.object({
  accept: z
    .string()
    .optional()
    .describe("`text/event-stream` for the run's event stream; anything else answers 202 with the run."),
});

const lastEventIdHeader = z.object({
  'last-event-id': z
    .string()
    .optional()
    .describe('The seq of the last event seen: the stream resumes after it. Takes precedence over `after`.'),
});

/** routes/runs.ts */
export const runsArea: ApiArea = {
  tag: 'Runs',
  description:
    'One agent turn each: start, stream its events (native protocol), join or resume the stream, cancel.',
  schemas: {
    Run: runSchema,
    StartRunBody: startRunBody,
    CancelRunResponse: cancelRunResponseSchema,
    CanonicalEvent: canonicalEventSchema,
    Usage: usageSchema,
  },
  operations: [
    {
      method: 'POST',
      path: '/api/sessions/:id/runs',
      operationId: 'startRun',
      summary: 'Send a message: start a run',
      description:
        "With `Accept: text/event-stream` the answer is the run's event stream; otherwise 202 with the run, whose events are at `GET /api/runs/{id}/events`. A second message while the session has an active run answers 409 `session_busy` unless `multitask` says `enqueue` or `interrupt`.",
      params: idParams,
      headers: acceptHeader,
      body: startRunBody,
      examples: [{ body: { message: 'what is 5*5?' } }],
      responses: {
        200: { description: "The run's events, live.", events: canonicalEventSchema, headers: streamHeaders },
        202: { description: 'The run, started (or queued).', json: runSchema },
      },
      errors: ['session_not_found', 'unsupported_language', 'session_busy', 'shutting_down'],
    },
    {
      method: 'GET',
      path: '/api/runs/:id',
      operationId: 'getRun',
      summary: 'Get a run: status, usage, timings',
      params: idParams,
      responses: { 200: { description: 'The run.', json: runSchema } },
      errors: ['run_not_found'],
    },
    {
      method: 'GET',
      path: '/api/runs/:id/events',
      operationId: 'joinRun',
      summary: "Join or resume a run's event stream",
      description:
        'The events after `Last-Event-ID` (or `after`), exactly once and in order, then the live tail; the response ends after conversation_end. Logs are kept for `runs.retention_ms` after a run ends, then 410.',
      params: idParams,
      query: runEventsQuery,
      headers: lastEventIdHeader,
      examples: [{ headers: { 'last-event-id': '2' } }],
      responses: {
        200: { description: "The run's events.", events: canonicalEventSchema, headers: streamHeaders },
      },
      errors: ['run_not_found', 'run_log_expired', 'invalid_last_event_id'],
    },
    {
      method: 'POST',
      path: '/api/runs/:id/cancel',
      operationId: 'cancelRun',
      summary: 'Cancel a run',
      description:
        'Stops the model request and running tools; the partial answer is kept and the log ends with conversation_end, status `cancelled`.',
      params: idParams,
      responses: {
        202: { description: 'Cancel requested (or nothing to cancel).', json: cancelRunResponseSchema },
      },
      errors: ['run_not_found'],
    },
  ],
};
