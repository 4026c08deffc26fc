import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { LogEntry } from '../../bus/index.ts';
import { ExtractionFrames, McpRunResult, mcpProgress } from '../../dialects/index.ts';
import { chooseLanguage, type Language, normalizeLanguage, SluiceError } from '../../protocol/index.ts';
import type { SessionRecord } from '../../store/index.ts';
import type { Principal } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { startExtraction } from '../extraction-task.ts';
import { requestedLanguage } from '../validate.ts';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** The tool that runs the extraction task; an agent with this id is not offered as a tool. */
export const EXTRACT_TOOL = 'extract';

const agentInput = {
  message: z.string().min(1).max(1_000_000).describe('What to ask the agent.'),
  session_id: z
    .uuid()
    .optional()
    .describe(
      'A Sluice session of this agent to continue; a new session when omitted (the result gives its id).',
    ),
  language: z
    .string()
    .min(1)
    .max(35)
    .optional()
    .describe('zh, en, ja, es or fr; detected from the message when omitted.'),
};

const agentOutput = {
  run_id: z.string(),
  session_id: z.string(),
  status: z.string(),
  answer: z.string(),
  usage: z.object({
    input_tokens: z.number(),
    output_tokens: z.number(),
    total_tokens: z.number(),
    total_cost: z.number(),
  }),
};

const extractInput = {
  document_path: z.string().min(1).max(1024).describe('Path of the document inside the documents folder.'),
  user_id: z.string().min(1).max(256).describe('Who the task is for (billing).'),
  language: z.string().min(1).max(35).optional().describe('zh, en, ja, es or fr.'),
};

/**
 * The MCP server one session talks to, acting for `principal`: every agent is a tool (input
 * `message`, optional `session_id` and `language`) and `extract` runs the extraction task. A call
 * starts a run, streams its tool-call and status messages as `notifications/progress` when the
 * client sent a progressToken, cancels the run when the client cancels the call, and returns the
 * answer (text) with the run id, session id and usage (structured).
 */
export function createAgentServer(ctx: AppContext, principal: Principal): McpServer {
  const server = new McpServer({ name: 'sluice', version: ctx.version }, { capabilities: { tools: {} } });
  for (const agent of ctx.agents.list()) {
    if (agent.id === EXTRACT_TOOL) continue;
    server.registerTool(
      agent.id,
      {
        title: agent.name,
        description: agent.description || agent.name,
        inputSchema: agentInput,
        outputSchema: agentOutput,
      },
      (args, extra) => guarded(args.language, () => callAgent(ctx, principal, agent.id, args, extra)),
    );
  }
  server.registerTool(
    EXTRACT_TOOL,
    {
      title: 'Extraction task',
      description:
        'Extracts validated structured items from a document in the documents folder, as POST /v1/extract does; the result is its final_result.',
      inputSchema: extractInput,
    },
    (args, extra) => guarded(args.language, () => callExtract(ctx, principal, args, extra)),
  );
  return server;
}

/** A Sluice error (bad session, unsupported language, shutting down) is a tool error the caller reads. */
async function guarded(
  language: string | undefined,
  call: () => Promise<CallToolResult>,
): Promise<CallToolResult> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof SluiceError)) throw error;
    const message = error.toBody(normalizeLanguage(language) ?? 'en').error.message;
    return { content: [{ type: 'text', text: message }], isError: true };
  }
}

async function callAgent(
  ctx: AppContext,
  principal: Principal,
  agentId: string,
  args: { message: string; session_id?: string | undefined; language?: string | undefined },
  extra: Extra,
): Promise<CallToolResult> {
  const explicit = requestedLanguage(args.language);
  let session: SessionRecord | undefined;
  if (args.session_id) {
    session = await ctx.store.getSession(principal.tenantId, args.session_id);
    if (!session) throw new SluiceError('session_not_found', { id: args.session_id });
    if (session.agent_id !== agentId) {
      const issues = `session_id: the session belongs to agent "${session.agent_id}", not "${agentId}"`;
      throw new SluiceError('validation_failed', { issues });
    }
  } else {
    session = await ctx.store.createSession({
      tenant_id: principal.tenantId,
      user_id: principal.userId,
      agent_id: agentId,
      language: explicit ?? null,
      title: '',
      metadata: { dialect: 'mcp' },
    });
  }
  const language = chooseLanguage({ request: explicit, session: session.language, text: args.message });
  const run = await ctx.runs.start({
    tenantId: principal.tenantId,
    session,
    message: args.message,
    language,
  });
  const result = new McpRunResult(run.id, session.id);
  let outcome: CallToolResult | undefined;
  await followRun(ctx, run.id, extra, (entry) => {
    progress(extra, mcpProgress(entry, language, progressTokenOf(extra) ?? 0));
    outcome ??= result.push(entry.event);
  });
  return outcome ?? interrupted(language);
}

async function callExtract(
  ctx: AppContext,
  principal: Principal,
  args: { document_path: string; user_id: string; language?: string | undefined },
  extra: Extra,
): Promise<CallToolResult> {
  const language = chooseLanguage({ request: requestedLanguage(args.language) });
  const { run, task, billing } = await startExtraction(ctx, principal, {
    document_path: args.document_path,
    user_id: args.user_id,
    language,
    source: 'mcp-extract',
  });
  const frames = new ExtractionFrames(task, billing);
  let outcome: CallToolResult | undefined;
  await followRun(ctx, run.id, extra, (entry) => {
    for (const frame of frames.push(entry)) {
      if (frame.event === 'status_update') {
        const token = progressTokenOf(extra);
        if (token !== undefined)
          progress(extra, { progressToken: token, progress: entry.seq, message: frame.data.status });
      } else {
        // The same object /v1/extract sends as `final_result` (or `error`).
        outcome = {
          content: [{ type: 'text', text: JSON.stringify(frame.data) }],
          structuredContent: frame.data as unknown as Record<string, unknown>,
          ...(frame.event === 'error' ? { isError: true } : {}),
        };
      }
    }
  });
  return outcome ?? interrupted(language);
}

/**
 * Feeds a run's log to `onEntry` until it ends. A cancelled call (`notifications/cancelled`)
 * cancels the run, whose log then ends as cancelled.
 */
function followRun(
  ctx: AppContext,
  runId: string,
  extra: Extra,
  onEntry: (entry: LogEntry) => void,
): Promise<void> {
  return new Promise((resolve) => {
    const cancel = () => void ctx.runs.cancel(runId);
    if (extra.signal.aborted) cancel();
    else extra.signal.addEventListener('abort', cancel, { once: true });
    ctx.bus.subscribe(runId, 0, {
      onEntry,
      onEnd: () => {
        extra.signal.removeEventListener('abort', cancel);
        resolve();
      },
    });
  });
}

function progressTokenOf(extra: Extra): string | number | undefined {
  return extra._meta?.progressToken;
}

/** Sends a progress notification when the client asked for progress; failures are the stream's business. */
function progress(
  extra: Extra,
  params: { progressToken: string | number; progress: number; message: string } | undefined,
): void {
  if (params === undefined || progressTokenOf(extra) === undefined) return;
  extra.sendNotification({ method: 'notifications/progress', params }).catch(() => {});
}

/** The log ended without conversation_end (dropped by retention, or the bus closed). */
function interrupted(language: Language): CallToolResult {
  const message = new SluiceError('run_interrupted').toBody(language).error.message;
  return { content: [{ type: 'text', text: message }], isError: true };
}
