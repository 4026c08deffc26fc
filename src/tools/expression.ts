/**
 * Arithmetic expressions: a tokenizer, a recursive-descent parser to a small AST, and an evaluator.
 * Never `eval`: input comes from models and people. Positions in errors are 0-based offsets into
 * the input (as in `JSON.parse`); normalisation keeps every character in place so they stay true.
 *
 * Grammar, loosest first (unary minus binds looser than power, so -2^2 = -4, as in maths):
 *   expression := term (('+' | '-') term)*
 *   term       := unary (('*' | '/' | '%') unary)*
 *   unary      := ('+' | '-') unary | power
 *   power      := primary (('^' | '**') unary)?          right-associative: 2^3^2 = 2^9
 *   primary    := number | constant | name '(' expression (',' expression)* ')' | '(' expression ')'
 */

export const MAX_EXPRESSION_LENGTH = 1000;
export const MAX_NESTING_DEPTH = 100;

/** Every failure to parse or evaluate; `position` is where it went wrong, when known. */
export class ExpressionError extends Error {
  readonly position: number | undefined;

  constructor(message: string, position?: number) {
    super(message);
    this.name = 'ExpressionError';
    this.position = position;
  }
}

export type ExpressionNode =
  | { type: 'number'; value: number; position: number }
  | { type: 'constant'; name: string; position: number }
  | { type: 'unary'; operator: '+' | '-'; operand: ExpressionNode; position: number }
  | {
      type: 'binary';
      operator: BinaryOperator;
      left: ExpressionNode;
      right: ExpressionNode;
      position: number;
    }
  | { type: 'call'; name: string; args: ExpressionNode[]; position: number };

export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '^';

const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, π: Math.PI, e: Math.E };

interface FunctionSpec {
  min: number;
  max: number;
  apply(args: number[]): number;
}

const unary = (fn: (x: number) => number): FunctionSpec => ({ min: 1, max: 1, apply: (a) => fn(a[0]!) });

const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  sqrt: unary(Math.sqrt),
  abs: unary(Math.abs),
  // round(x) or round(x, digits): digits after the decimal point, 0..15.
  round: {
    min: 1,
    max: 2,
    apply: ([x = 0, digits = 0]) => {
      if (!Number.isInteger(digits) || digits < 0 || digits > 15) {
        throw new ExpressionError(`round() digits must be a whole number from 0 to 15, got ${digits}`);
      }
      const scale = 10 ** digits;
      return Math.round(x * scale) / scale;
    },
  },
  floor: unary(Math.floor),
  ceil: unary(Math.ceil),
  min: { min: 1, max: Number.POSITIVE_INFINITY, apply: (a) => Math.min(...a) },
  max: { min: 1, max: Number.POSITIVE_INFINITY, apply: (a) => Math.max(...a) },
  pow: { min: 2, max: 2, apply: (a) => a[0]! ** a[1]! },
  log: unary(Math.log),
  ln: unary(Math.log),
  log10: unary(Math.log10),
  log2: unary(Math.log2),
  exp: unary(Math.exp),
  sin: unary(Math.sin),
  cos: unary(Math.cos),
  tan: unary(Math.tan),
  asin: unary(Math.asin),
  acos: unary(Math.acos),
  atan: unary(Math.atan),
};

export function isFunctionName(name: string): boolean {
  return Object.hasOwn(FUNCTIONS, name.toLowerCase());
}

export function isConstantName(name: string): boolean {
  return Object.hasOwn(CONSTANTS, name.toLowerCase());
}

/**
 * Maps full-width forms (０-９, ＋, （, ＊ ...), the ideographic space and the usual typographic
 * operators (× ÷ − ·) to ASCII. Length-preserving, so positions stay valid for the original text.
 */
export function normalizeExpression(input: string): string {
  let out = '';
  for (const ch of input) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCharCode(code - 0xfee0);
    else if (code === 0x3000) out += ' ';
    else if (ch === '×' || ch === '·' || ch === '⋅' || ch === '∗') out += '*';
    else if (ch === '÷' || ch === '∕') out += '/';
    else if (ch === '−' || ch === '–' || ch === '‐') out += '-';
    else out += ch;
  }
  return out;
}

type Token =
  | { kind: 'number'; value: number; text: string; position: number }
  | { kind: 'name'; text: string; position: number }
  | { kind: 'operator'; text: string; position: number }
  | { kind: 'end'; text: ''; position: number };

const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_π][A-Za-z0-9_]*/y;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(source);
    if (number) {
      const value = Number(number[0]);
      if (!Number.isFinite(value))
        throw new ExpressionError(`Number "${number[0]}" is too large at position ${i}`, i);
      tokens.push({ kind: 'number', value, text: number[0], position: i });
      i += number[0].length;
      continue;
    }
    NAME.lastIndex = i;
    const name = NAME.exec(source);
    if (name) {
      tokens.push({ kind: 'name', text: name[0], position: i });
      i += name[0].length;
      continue;
    }
    if (source.startsWith('**', i)) {
      tokens.push({ kind: 'operator', text: '^', position: i });
      i += 2;
      continue;
    }
    if ('+-*/%^(),'.includes(ch)) {
      tokens.push({ kind: 'operator', text: ch, position: i });
      i += 1;
      continue;
    }
    throw new ExpressionError(`Unexpected character "${ch}" at position ${i}`, i);
  }
  tokens.push({ kind: 'end', text: '', position: source.length });
  return tokens;
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'end of expression' : `"${token.text}"`;
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): ExpressionNode {
    const node = this.expression();
    const next = this.peek();
    if (next.kind !== 'end') this.unexpected(next);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private advance(): Token {
    const token = this.tokens[this.index]!;
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private isOperator(...texts: string[]): boolean {
    const token = this.peek();
    return token.kind === 'operator' && texts.includes(token.text);
  }

  private unexpected(token: Token): never {
    if (token.kind === 'end') {
      throw new ExpressionError(`Unexpected end of expression at position ${token.position}`, token.position);
    }
    throw new ExpressionError(
      `Unexpected token ${describe(token)} at position ${token.position}`,
      token.position,
    );
  }

  private expect(text: string): void {
    if (!this.isOperator(text)) this.unexpected(this.peek());
    this.advance();
  }

  private expression(): ExpressionNode {
    let left = this.term();
    while (this.isOperator('+', '-')) {
      const op = this.advance();
      left = {
        type: 'binary',
        operator: op.text as '+' | '-',
        left,
        right: this.term(),
        position: op.position,
      };
    }
    return left;
  }

  private term(): ExpressionNode {
    let left = this.unary();
    while (this.isOperator('*', '/', '%')) {
      const op = this.advance();
      left = {
        type: 'binary',
        operator: op.text as '*' | '/' | '%',
        left,
        right: this.unary(),
        position: op.position,
      };
    }
    return left;
  }

  // Every recursion passes through here (parentheses, unary chains, power chains), so counting
  // here bounds the stack whatever the input's shape.
  private unary(): ExpressionNode {
    const start = this.peek();
    this.depth += 1;
    if (this.depth > MAX_NESTING_DEPTH) {
      throw new ExpressionError(
        `Expression is nested more than ${MAX_NESTING_DEPTH} levels deep at position ${start.position}`,
        start.position,
      );
    }
    try {
      if (this.isOperator('+', '-')) {
        const op = this.advance();
        return {
          type: 'unary',
          operator: op.text as '+' | '-',
          operand: this.unary(),
          position: op.position,
        };
      }
      return this.power();
    } finally {
      this.depth -= 1;
    }
  }

  private power(): ExpressionNode {
    const base = this.primary();
    if (!this.isOperator('^')) return base;
    const op = this.advance();
    return { type: 'binary', operator: '^', left: base, right: this.unary(), position: op.position };
  }

  private primary(): ExpressionNode {
    const token = this.advance();
    if (token.kind === 'number') return { type: 'number', value: token.value, position: token.position };
    if (token.kind === 'operator' && token.text === '(') {
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    if (token.kind === 'name') return this.named(token);
    return this.unexpected(token);
  }

  private named(token: Token & { kind: 'name' }): ExpressionNode {
    const name = token.text.toLowerCase();
    if (this.isOperator('(')) {
      const spec = FUNCTIONS[name];
      if (!spec)
        throw new ExpressionError(
          `Unknown function "${token.text}" at position ${token.position}`,
          token.position,
        );
      this.advance();
      const args = [this.expression()];
      while (this.isOperator(',')) {
        this.advance();
        args.push(this.expression());
      }
      this.expect(')');
      if (args.length < spec.min || args.length > spec.max) {
        const expected =
          spec.min === spec.max
            ? `${spec.min}`
            : spec.max === Infinity
              ? `at least ${spec.min}`
              : `${spec.min} to ${spec.max}`;
        throw new ExpressionError(
          `${name}() takes ${expected} argument${expected === '1' ? '' : 's'}, got ${args.length} at position ${token.position}`,
          token.position,
        );
      }
      return { type: 'call', name, args, position: token.position };
    }
    if (Object.hasOwn(CONSTANTS, name)) return { type: 'constant', name, position: token.position };
    if (Object.hasOwn(FUNCTIONS, name)) {
      throw new ExpressionError(
        `Function "${token.text}" needs parentheses at position ${token.position}`,
        token.position,
      );
    }
    throw new ExpressionError(`Unknown name "${token.text}" at position ${token.position}`, token.position);
  }
}

/** Normalises and parses; throws ExpressionError for anything that is not a well-formed expression. */
export function parseExpression(input: string): ExpressionNode {
  if (input.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(
      `Expression is too long: ${input.length} characters, the limit is ${MAX_EXPRESSION_LENGTH}`,
    );
  }
  const tokens = tokenize(normalizeExpression(input));
  if (tokens.length === 1) throw new ExpressionError('Expression is empty', 0);
  return new Parser(tokens).parse();
}

function finite(value: number, node: ExpressionNode, what: string): number {
  if (!Number.isFinite(value)) {
    const kind = Number.isNaN(value) ? 'is not a real number' : 'is too large';
    throw new ExpressionError(`The result of ${what} ${kind} at position ${node.position}`, node.position);
  }
  return value;
}

/** Evaluates a parsed expression. Every intermediate value must be finite; x/0 and x%0 are errors. */
export function evaluate(node: ExpressionNode): number {
  switch (node.type) {
    case 'number':
      return node.value;
    case 'constant':
      return CONSTANTS[node.name]!;
    case 'unary': {
      const value = evaluate(node.operand);
      return node.operator === '-' ? -value : value;
    }
    case 'call': {
      const args = node.args.map(evaluate);
      let value: number;
      try {
        value = FUNCTIONS[node.name]!.apply(args);
      } catch (error) {
        if (error instanceof ExpressionError)
          throw new ExpressionError(`${error.message} at position ${node.position}`, node.position);
        throw error;
      }
      return finite(value, node, `${node.name}()`);
    }
    case 'binary': {
      const left = evaluate(node.left);
      const right = evaluate(node.right);
      if ((node.operator === '/' || node.operator === '%') && right === 0) {
        throw new ExpressionError(`Division by zero at position ${node.position}`, node.position);
      }
      return finite(applyBinary(node.operator, left, right), node, `"${node.operator}"`);
    }
  }
}

function applyBinary(operator: BinaryOperator, left: number, right: number): number {
  switch (operator) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      return left / right;
    case '%':
      return left % right;
    case '^':
      return left ** right;
  }
}

/** True when the expression computes something: a binary operator or a function call, not just a literal. */
export function hasComputation(node: ExpressionNode): boolean {
  switch (node.type) {
    case 'number':
    case 'constant':
      return false;
    case 'unary':
      return hasComputation(node.operand);
    case 'binary':
    case 'call':
      return true;
  }
}

/** Parses and evaluates. Throws ExpressionError with a clear English message on any failure. */
export function evaluateExpression(input: string): number {
  return evaluate(parseExpression(input));
}

/**
 * Rounds away binary floating-point noise for display (0.1+0.2 gives 0.3), keeping 15 significant
 * digits, which every double represents exactly.
 */
export function tidyNumber(value: number): number {
  const tidy = Number(value.toPrecision(15));
  return Object.is(tidy, -0) ? 0 : tidy;
}
