import { type CanonicalEvent, canonicalEventSchema } from '../protocol/index.ts';
import { decodeSseStream } from '../sse/index.ts';

export interface ChatOptions {
  url: string;
  agent: string;
  session?: string;
  language?: string;
  apiKey?: string;
  events?: boolean;
}

/**
 * Streams one run to the terminal: the answer as it is written, tool calls on their own lines as
 * they start and end. Exits 0 when the run completed, 1 otherwise.
 */
export async function chatCommand(message: string, options: ChatOptions): Promise<void> {
  const base = options.url.replace(/\/+$/, '');
  const key = options.apiKey ?? process.env.SLUICE_API_KEY;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(key ? { authorization: `Bearer ${key}` } : {}),
  };
  const out = process.stdout;
  const err = process.stderr;
  try {
    let sessionId = options.session;
    if (!sessionId) {
      const created = await request(`${base}/api/sessions`, headers, { agent_id: options.agent });
      sessionId = (created as { id: string }).id;
      err.write(`session ${sessionId}\n`);
    }
    const response = await fetch(`${base}/api/sessions/${sessionId}/runs`, {
      method: 'POST',
      headers: { ...headers, accept: 'text/event-stream' },
      body: JSON.stringify({ message, ...(options.language ? { language: options.language } : {}) }),
    });
    if (!response.ok || !response.body) throw new Error(await errorText(response));
    let status = 'unknown';
    let midLine = false;
    for await (const frame of decodeSseStream(response.body)) {
      if (!frame.data) continue;
      const parsed = canonicalEventSchema.safeParse(JSON.parse(frame.data));
      if (!parsed.success) continue;
      const event: CanonicalEvent = parsed.data;
      if (options.events) {
        out.write(`${frame.data}\n`);
        if (event.event_type === 'conversation_end') status = event.data.status;
        continue;
      }
      const newline = () => {
        if (midLine) out.write('\n');
        midLine = false;
      };
      switch (event.event_type) {
        case 'assistant_message_chunk':
          out.write(event.data.content);
          midLine = !event.data.content.endsWith('\n');
          break;
        case 'assistant_message_end':
          newline();
          break;
        case 'tool_call_start':
          newline();
          err.write(`⚙ ${event.data.tool_name} ${JSON.stringify(event.data.arguments)}\n`);
          break;
        case 'tool_call_progress':
          err.write(`  … ${event.data.progress_message}\n`);
          break;
        case 'tool_call_end':
          err.write(
            `  ${event.data.status === 'completed' ? '✓' : '✗'} ${event.data.tool_name} ${
              event.data.status === 'completed'
                ? JSON.stringify(event.data.result)
                : (event.data.error_message ?? event.data.status)
            } (${event.data.execution_time.toFixed(3)} s)\n`,
          );
          break;
        case 'error':
          newline();
          err.write(`error [${event.data.code}]: ${event.data.error_message}\n`);
          break;
        case 'conversation_end': {
          newline();
          const u = event.data.usage;
          status = event.data.status;
          err.write(
            `— ${status} · ${u.input_tokens} in / ${u.output_tokens} out tokens · $${u.total_cost}\n`,
          );
          break;
        }
        default:
          break;
      }
    }
    process.exit(status === 'completed' ? 0 : 1);
  } catch (error) {
    err.write(`sluice chat: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

async function request(url: string, headers: Record<string, string>, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(await errorText(response));
  return response.json();
}

async function errorText(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error) return `${response.status} ${body.error.code}: ${body.error.message}`;
  } catch {}
  return `${response.status} ${text.slice(0, 200)}`;
}
