import { SluiceClient } from '../client/index.ts';

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
 * they start and end. Exits 0 when the run completed, 1 otherwise. Speaks through the client SDK,
 * so a dropped connection is resumed without a gap or a repeat.
 */
export async function chatCommand(message: string, options: ChatOptions): Promise<void> {
  const key = options.apiKey ?? process.env.SLUICE_API_KEY;
  const client = new SluiceClient({ baseUrl: options.url, ...(key ? { apiKey: key } : {}) });
  const out = process.stdout;
  const err = process.stderr;
  try {
    let sessionId = options.session;
    if (!sessionId) {
      sessionId = (await client.createSession({ agent_id: options.agent })).id;
      err.write(`session ${sessionId}\n`);
    }
    const stream = await client.startRun(sessionId, {
      message,
      ...(options.language ? { language: options.language } : {}),
    });
    let status = 'unknown';
    let midLine = false;
    for await (const event of stream) {
      if (options.events) {
        out.write(`${JSON.stringify(event)}\n`);
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
