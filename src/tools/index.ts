import { calculatorTool } from './calculator.ts';
import { createCurrentTimeTool } from './current-time.ts';
import { createDesignTool, type DesignToolOptions } from './design.ts';
import { shortPlanningTool } from './planning.ts';
import type { Tool } from './tool.ts';

export { type CalculatorInput, type CalculatorResult, calculatorTool } from './calculator.ts';
export {
  type CurrentTimeInput,
  type CurrentTimeResult,
  createCurrentTimeTool,
  describeInstant,
  resolveTimeZone,
} from './current-time.ts';
export {
  createDesignTool,
  DESIGN_FILENAME,
  DESIGNS_FOLDER,
  type DesignInput,
  type DesignResult,
  type DesignToolOptions,
  outline,
} from './design.ts';
export { DocumentError, type DocumentText, readDocument } from './documents.ts';
export {
  type ExecuteContext,
  type ExecuteOptions,
  executeTool,
  type ToolOutcome,
} from './execute.ts';
export {
  type BinaryOperator,
  ExpressionError,
  type ExpressionNode,
  evaluate,
  evaluateExpression,
  hasComputation,
  MAX_EXPRESSION_LENGTH,
  MAX_NESTING_DEPTH,
  normalizeExpression,
  parseExpression,
  tidyNumber,
} from './expression.ts';
export {
  createExtractItemsTool,
  createReadDocumentTool,
  type DocumentToolOptions,
  documentTools,
  EXTRACT_PROGRESS,
  type ExtractInput,
} from './extract.ts';
export {
  type ExtractedItem,
  type ExtractionResult,
  extractedItemSchema,
  extractionResultSchema,
  ITEM_TYPES,
  type ItemType,
  MIN_CONFIDENCE,
  type RejectedItem,
  validateItems,
} from './extract-items.ts';
export { findItems } from './extract-rules.ts';
export {
  McpConnection,
  type McpConnectionState,
  type McpLogger,
  type McpServerSpec,
} from './mcp-connection.ts';
export { MCP_NAME_SEPARATOR, MCP_SERVER_NAME_PATTERN, mcpToolName, TOOL_NAME_PATTERN } from './mcp-names.ts';
export { type McpServerStatus, McpToolSource, type McpToolSourceOptions } from './mcp-source.ts';
export {
  cleanSteps,
  numberedPlan,
  type ShortPlanningInput,
  type ShortPlanningResult,
  shortPlanningTool,
} from './planning.ts';
export { ToolRegistry } from './registry.ts';
export type { Tool, ToolContext, ToolDocument } from './tool.ts';

/** The tools every server has: `calculator` and `current_time`. Fresh objects on each call. */
export function builtinTools(): Tool[] {
  return [calculatorTool as Tool, createCurrentTimeTool() as Tool];
}

/** The `planner` agent's tools: `short_planning` and `design`. Fresh objects on each call. */
export function planningTools(options: DesignToolOptions = {}): Tool[] {
  return [shortPlanningTool as Tool, createDesignTool(options) as Tool];
}
