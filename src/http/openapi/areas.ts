import { agentChatArea } from './agent-chat.ts';
import { aiSdkArea } from './ai-sdk.ts';
import { extractArea } from './extract.ts';
import { gtplannerArea } from './gtplanner.ts';
import { mcpArea } from './mcp.ts';
import { metricsArea } from './metrics.ts';
import { openAiArea } from './openai.ts';
import type { ApiArea } from './operation.ts';
import { runsArea } from './runs.ts';
import { sessionsArea } from './sessions.ts';
import { streamingAgentArea } from './streaming-agent.ts';
import { systemArea } from './system.ts';
import { toolsArea } from './tools.ts';

/**
 * Every described area, in the document's order. To describe new routes, write one file like
 * sessions.ts that exports an ApiArea, and add it here; test/openapi.test.ts fails while a
 * registered route is not described, or a described one is not registered.
 */
export const API_AREAS: readonly ApiArea[] = [
  systemArea,
  sessionsArea,
  runsArea,
  toolsArea,
  openAiArea,
  aiSdkArea,
  gtplannerArea,
  streamingAgentArea,
  agentChatArea,
  extractArea,
  mcpArea,
  metricsArea,
];
