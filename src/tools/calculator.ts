import { z } from 'zod';
import { text } from '../protocol/index.ts';
import { evaluateExpression, tidyNumber } from './expression.ts';
import type { Tool } from './tool.ts';

const calculatorInput = z.object({
  expression: z
    .string()
    .describe('An arithmetic expression, e.g. "(3+4)*5", "2^10", "sqrt(2)/2", "max(3, 7) % 4".'),
});

export type CalculatorInput = z.infer<typeof calculatorInput>;

export interface CalculatorResult {
  expression: string;
  result: number;
}

/** Evaluates arithmetic with the expression parser; never `eval`. Errors go back to the model. */
export const calculatorTool: Tool<CalculatorInput> = {
  name: 'calculator',
  description:
    'Evaluates an arithmetic expression exactly and returns the number. Supports + - * / % ^ (or **), ' +
    'parentheses, sqrt, abs, round, floor, ceil, min, max, pow, log (natural), log10, log2, exp, ' +
    'sin, cos, tan, asin, acos, atan (radians) and the constants pi and e. Use it for any arithmetic.',
  inputSchema: calculatorInput,
  async execute(input, ctx): Promise<CalculatorResult> {
    const expression = input.expression.trim();
    ctx.progress(text('evaluating', ctx.language, { expression }));
    return { expression, result: tidyNumber(evaluateExpression(expression)) };
  },
};
