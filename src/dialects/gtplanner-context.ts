import type { z } from 'zod';
import type { ChatMessage } from '../llm/index.ts';
import { type Language, SluiceError, type ToolCall } from '../protocol/index.ts';
import type { AgentContextRequest, DialogueMessage } from './gtplanner.ts';

/**
 * How a client-held GTPlanner context becomes a run: the last `dialogue_history` entry (a user
 * message) is the run's message; the entries before it are the model's history, with the
 * client's `tool_execution_results` in front as a system message the model can build on.
 */

const PRIOR_RESULTS: Record<Language, string> = {
  en: 'Results of the tools called earlier in this conversation, by tool name (JSON). Build on them when the user asks for changes:',
  zh: '本次对话中之前调用的工具结果，按工具名称列出（JSON）。用户要求修改时，请在此基础上继续：',
  ja: 'この会話でこれまでに呼び出したツールの結果です（ツール名ごと、JSON）。ユーザーが変更を求めたら、これを土台にしてください：',
  es: 'Resultados de las herramientas llamadas antes en esta conversación, por nombre de herramienta (JSON). Parte de ellos cuando el usuario pida cambios:',
  fr: "Résultats des outils appelés plus tôt dans cette conversation, par nom d'outil (JSON). Pars d'eux quand l'utilisateur demande des changements :",
};

/** The text of a message's content; multimodal parts other than text are named, not dropped silently. */
export function contentText(content: DialogueMessage['content']): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part) => (part.type === 'text' ? (part.text ?? '') : `[${part.type}]`))
    .filter((text) => text !== '')
    .join('\n');
}

type DialogueToolCall = NonNullable<DialogueMessage['tool_calls']>[number];

function toToolCall(call: DialogueToolCall): ToolCall {
  return 'function' in call
    ? { id: call.id, name: call.function.name, arguments: call.function.arguments }
    : { id: call.id, name: call.name, arguments: call.arguments };
}

function invalid(path: string, message: string): SluiceError {
  return new SluiceError(
    'validation_failed',
    { issues: `${path}: ${message}` },
    { issues: [{ path, message }] },
  );
}

/**
 * The history as the model receives it. Tool calls without a result and results without their
 * call are dropped: models reject a conversation that has either, and a client that trimmed its
 * history may leave some behind.
 */
export function dialogueToChat(entries: readonly DialogueMessage[]): ChatMessage[] {
  const answered = new Set(
    entries.flatMap((m) => (m.role === 'tool' && m.tool_call_id ? [m.tool_call_id] : [])),
  );
  const called = new Set<string>();
  const history: ChatMessage[] = [];
  for (const entry of entries) {
    const content = contentText(entry.content);
    if (entry.role === 'user' || entry.role === 'system') {
      history.push({ role: entry.role, content });
    } else if (entry.role === 'assistant') {
      const calls = (entry.tool_calls ?? []).map(toToolCall).filter((call) => answered.has(call.id));
      for (const call of calls) called.add(call.id);
      history.push(
        calls.length > 0 ? { role: 'assistant', content, tool_calls: calls } : { role: 'assistant', content },
      );
    } else if (entry.tool_call_id && called.has(entry.tool_call_id)) {
      history.push({
        role: 'tool',
        content,
        tool_call_id: entry.tool_call_id,
        ...(entry.name ? { name: entry.name } : {}),
      });
    }
  }
  return history;
}

function priorResults(results: Record<string, unknown>, language: Language, maxChars: number): ChatMessage[] {
  if (Object.keys(results).length === 0) return [];
  const json = JSON.stringify(results);
  const shown =
    json.length <= maxChars
      ? json
      : `${json.slice(0, maxChars)}… [truncated ${json.length - maxChars} characters]`;
  return [{ role: 'system', content: `${PRIOR_RESULTS[language]}\n${shown}` }];
}

/**
 * The run's message: the text of the last `dialogue_history` entry, which must be the user's.
 * Throws `validation_failed` otherwise.
 */
export function userMessage(request: AgentContextRequest): string {
  const entries = request.dialogue_history;
  const last = entries[entries.length - 1];
  if (last?.role !== 'user') {
    throw invalid('dialogue_history', 'the last message must be the user\'s message (role "user")');
  }
  const message = contentText(last.content).trim();
  if (message === '')
    throw invalid(`dialogue_history.${entries.length - 1}.content`, 'the user message is empty');
  return message;
}

/** Everything before the run's message, with the client's tool results in front. */
export function plannerHistory(
  request: AgentContextRequest,
  language: Language,
  maxResultChars: number,
): ChatMessage[] {
  return [
    ...priorResults(request.tool_execution_results, language, maxResultChars),
    ...dialogueToChat(request.dialogue_history.slice(0, -1)),
  ];
}

/** zod issues as the error table's `validation_failed`, the way the HTTP layer reports them. */
export function validationError(error: z.ZodError): SluiceError {
  const issues = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const summary = issues
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join('; ');
  return new SluiceError('validation_failed', { issues: summary }, { issues });
}
