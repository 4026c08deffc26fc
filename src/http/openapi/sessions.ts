import {
  createSessionBody,
  idParams,
  listSessionsQuery,
  messageSchema,
  sessionDetailSchema,
  sessionPageSchema,
  sessionSchema,
  updateSessionBody,
} from '../../protocol/index.ts';
import type { ApiArea } from './operation.ts';

/** routes/sessions.ts */
export const sessionsArea: ApiArea = {
  tag: 'Sessions',
  description:
    'Conversations owned by a tenant (and optionally a user): agent, language, title, metadata, messages.',
  schemas: {
    Session: sessionSchema,
    SessionDetail: sessionDetailSchema,
    SessionPage: sessionPageSchema,
    Message: messageSchema,
    CreateSessionBody: createSessionBody,
    UpdateSessionBody: updateSessionBody,
  },
  operations: [
    {
      method: 'POST',
      path: '/api/sessions',
      operationId: 'createSession',
      summary: 'Create a session',
      description:
        '`agent_id` defaults to `assistant`. `language` stays null unless given here or by `Accept-Language`; each run then chooses.',
      body: createSessionBody,
      examples: [{ body: { agent_id: 'assistant', title: 'Trip planning', language: 'en' } }],
      responses: { 201: { description: 'The session.', json: sessionSchema } },
      errors: ['agent_not_found', 'unsupported_language'],
    },
    {
      method: 'GET',
      path: '/api/sessions',
      operationId: 'listSessions',
      summary: 'List sessions, newest first',
      query: listSessionsQuery,
      examples: [{ query: { limit: '10' } }],
      responses: {
        200: {
          description: 'One page; pass `next_cursor` as `cursor` for the next.',
          json: sessionPageSchema,
        },
      },
      errors: [],
    },
    {
      method: 'GET',
      path: '/api/sessions/:id',
      operationId: 'getSession',
      summary: 'Get a session with its messages',
      params: idParams,
      responses: {
        200: {
          description: 'The session, its messages in order, and its active run (or null).',
          json: sessionDetailSchema,
        },
      },
      errors: ['session_not_found'],
    },
    {
      method: 'PATCH',
      path: '/api/sessions/:id',
      operationId: 'updateSession',
      summary: 'Rename a session or change its language or metadata',
      params: idParams,
      body: updateSessionBody,
      examples: [{ body: { title: 'Trip to Kyoto' } }],
      responses: { 200: { description: 'The updated session.', json: sessionSchema } },
      errors: ['session_not_found', 'unsupported_language'],
    },
    {
      method: 'DELETE',
      path: '/api/sessions/:id',
      operationId: 'deleteSession',
      summary: 'Delete a session with its messages and runs',
      description: 'An active run is cancelled first.',
      params: idParams,
      responses: { 204: { description: 'Deleted.' } },
      errors: ['session_not_found'],
    },
  ],
};
