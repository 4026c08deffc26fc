import type { CanonicalEvent, RunStatus, Usage } from '../protocol/events.ts';

/** What a run amounted to, gathered from its events. */
export interface RunResult {
  runId: string;
  sessionId: string;
  /** From conversation_end; null when the stream was closed before it. */
  status: RunStatus | null;
  /**
   * The answer: the text of the run's last assistant message (earlier ones are the steps before
   * tool calls). Partial when the run was cancelled or failed while writing it.
   */
  text: string;
  usage: Usage | null;
  /** The run's `error` events, in order. */
  errors: { code: string; message: string; retryable: boolean }[];
  /** Every event received, in seq order. */
  events: CanonicalEvent[];
}

/** Folds events, one at a time, into a RunResult. */
export class RunCollector {
  private readonly events: CanonicalEvent[] = [];
  private readonly errors: RunResult['errors'] = [];
  private chunks: string[] = [];
  private status: RunStatus | null = null;
  private usage: Usage | null = null;

  add(event: CanonicalEvent): void {
    this.events.push(event);
    switch (event.event_type) {
      case 'assistant_message_start':
        this.chunks = [];
        break;
      case 'assistant_message_chunk':
        this.chunks.push(event.data.content);
        break;
      case 'assistant_message_end':
        this.chunks = [event.data.complete_message];
        break;
      case 'error':
        this.errors.push({
          code: event.data.code,
          message: event.data.error_message,
          retryable: event.data.retryable,
        });
        break;
      case 'conversation_end':
        this.status = event.data.status;
        this.usage = event.data.usage;
        break;
      default:
        break;
    }
  }

  result(runId: string, sessionId: string): RunResult {
    return {
      runId,
      sessionId,
      status: this.status,
      text: this.chunks.join(''),
      usage: this.usage,
      errors: [...this.errors],
      events: [...this.events],
    };
  }
}
