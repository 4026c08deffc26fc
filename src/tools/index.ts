import { calculatorTool } from './calculator.ts';
import { createCurrentTimeTool } from './current-time.ts';
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
export { ToolRegistry } from './registry.ts';
export type { Tool, ToolContext } from './tool.ts';

/** The tools every server has: `calculator` and `current_time`. Fresh objects on each call. */
export function builtinTools(): Tool[] {
  return [calculatorTool as Tool, createCurrentTimeTool() as Tool];
}
