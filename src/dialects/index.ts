export {
  type AgentChatBody,
  type AgentChatChunk,
  AgentChatFrames,
  type AgentChatIds,
  type AgentChatMetadata,
  agentChatBody,
  agentChatDialect,
  agentChatFrame,
  agentChatQuery,
  FINISH_REASON_NAMES,
} from './agent-chat.ts';
export {
  type AiSdkChatBody,
  aiSdkChatBody,
  aiSdkDialect,
  CHAT_ID_KEY,
  lastUserText,
  UI_MESSAGE_STREAM_HEADERS,
} from './ai-sdk.ts';
export { type ChatHistoryPlan, planChatHistory, SUPERSEDED_KEY, supersededRuns } from './ai-sdk-history.ts';
export type { DialectStream } from './dialect.ts';
export {
  type ExtractionFrame,
  ExtractionFrames,
  type ExtractionRequest,
  type ExtractionTask,
  extractionDialect,
  extractionFrame,
  extractionInstruction,
  extractionQuery,
  extractionRequest,
  TASK_STATUSES,
  type TaskStatus,
} from './extract.ts';
export {
  type AgentContextRequest,
  agentContextRequestSchema,
  BUFFER_MAX_CHARS,
  BUFFER_MAX_CHUNKS,
  type DialogueMessage,
  dialogueMessageSchema,
  GTPLANNER_SSE_EVENTS,
  type GtplannerResultSummary,
  type GtplannerStream,
  type GtplannerStreamOptions,
  type GtplannerStreamStatistics,
  gtplannerDialect,
} from './gtplanner.ts';
export {
  GTPLANNER_SESSION_KEY,
  GTPlannerApi,
  type GtplannerApiDeps,
  type GtplannerRun,
  type GtplannerSessionStatus,
  type GtplannerStartOptions,
  gtplannerApiStatus,
  PLANNER_AGENT_ID,
  type ProcessRequestStreamOptions,
} from './gtplanner-api.ts';
export { contentText, dialogueToChat, plannerHistory, userMessage } from './gtplanner-context.ts';
export {
  type McpRunOutput,
  McpRunResult,
  type McpToolResult,
  mcpProgress,
  mcpProgressMessage,
} from './mcp.ts';
export { nativeDialect, nativeFrame } from './native.ts';
export {
  type ChatCompletionBody,
  ChatTurn,
  chatCompletion,
  chatCompletionBody,
  chatRunInput,
  openAiChatDialect,
  openAiErrorBody,
  statusOfCode,
} from './openai-chat.ts';
export {
  STEP_SEPARATOR,
  type StreamingAgentFrame,
  StreamingAgentFrames,
  type StreamingChatBody,
  streamingAgentDialect,
  streamingAgentFrame,
  streamingChatBody,
} from './streaming-agent.ts';
