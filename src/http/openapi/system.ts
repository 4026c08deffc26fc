import { z } from 'zod';
import { agentListSchema, agentSchema, healthSchema, serviceStatusSchema } from '../../protocol/index.ts';
import type { ApiArea } from './operation.ts';

const agentParams = z.object({ id: z.string().describe('An agent id, e.g. `assistant`.') });

/** routes/system.ts */
export const systemArea: ApiArea = {
  tag: 'System',
  description: 'Health, status, agents and the test console.',
  schemas: {
    Health: healthSchema,
    ServiceStatus: serviceStatusSchema,
    Agent: agentSchema,
    AgentList: agentListSchema,
  },
  operations: [
    {
      method: 'GET',
      path: '/health',
      operationId: 'health',
      summary: 'Liveness with store, bus and model checks',
      auth: false,
      responses: {
        200: { description: 'Every check passed.', json: healthSchema },
        503: { description: 'A check failed; it carries the error.', json: healthSchema },
      },
      errors: [],
    },
    {
      method: 'GET',
      path: '/api/status',
      operationId: 'status',
      summary: 'Version, uptime, activity and the non-secret configuration',
      auth: false,
      responses: { 200: { description: 'The service status.', json: serviceStatusSchema } },
      errors: [],
    },
    {
      method: 'GET',
      path: '/api/agents',
      operationId: 'listAgents',
      summary: 'List the agents',
      responses: {
        200: { description: 'Presets and agents from the configuration.', json: agentListSchema },
      },
      errors: [],
    },
    {
      method: 'GET',
      path: '/api/agents/:id',
      operationId: 'getAgent',
      summary: 'Get an agent',
      params: agentParams,
      responses: { 200: { description: 'The agent.', json: agentSchema } },
      errors: ['agent_not_found'],
    },
    ...(['/', '/test'] as const).map((path) => ({
      method: 'GET' as const,
      path,
      operationId: path === '/' ? 'console' : 'testConsole',
      summary: 'The web test console',
      description: 'HTML for browsers; the service status as JSON for `Accept: application/json`.',
      auth: false,
      responses: {
        200: { description: 'The page, or the status.', html: true as const, json: serviceStatusSchema },
      },
      errors: [],
    })),
    {
      method: 'GET',
      path: '/assets/:file',
      operationId: 'consoleAsset',
      summary: 'A script or stylesheet of the web console',
      description: "The built console page's files (names carry a content hash; cached for a year).",
      auth: false,
      params: z.object({ file: z.string().describe('A file name from the page, e.g. `index-1a2b3c.js`.') }),
      responses: {
        200: { description: 'The script (the stylesheet is `text/css`).', text: 'application/javascript' },
      },
      errors: ['route_not_found'],
    },
  ],
};
