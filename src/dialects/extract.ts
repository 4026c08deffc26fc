import { z } from 'zod';
import type { LogEntry } from '../bus/index.ts';
import { errorMessage, fillTemplate, type Language, text } from '../protocol/index.ts';
import {
  AGENT_EXECUTION_FAILURE,
  type BillingDecision,
  type BillingPrices,
  decideBilling,
} from '../runs/index.ts';
import { encodeFrame } from '../sse/index.ts';
import { EXTRACT_PROGRESS, type ExtractionResult, extractionResultSchema } from '../tools/index.ts';
import type { DialectStream } from './dialect.ts';
import { endCode } from './streaming-agent.ts';

/**
 * The extraction task (mcp-extract-sse.md): `ExtractionRequest` for `POST /v1/extract`. Unknown
 * fields are ignored, as the document's pydantic model would; `language` is Sluice's addition.
 */
export const extractionRequest = z.object({
  document_path: z.string().min(1).max(1024),
  user_id: z.string().min(1).max(256),
  language: z.string().min(1).max(35).optional(),
});
export type ExtractionRequest = z.infer<typeof extractionRequest>;

/** `GET /v1/extract` for `EventSource`: the same fields in the query, the key as `api_key`. */
export const extractionQuery = extractionRequest.extend({
  api_key: z.string().max(512).optional(),
  access_token: z.string().max(512).optional(),
});

/** The stages in the order a task goes through them; a status is never sent twice or backwards. */
export const TASK_STATUSES = ['INIT', 'PLANNING', 'EXTRACTION', 'VALIDATION'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** The tools whose start means the task is reading and extracting. */
const EXTRACTION_TOOLS = new Set(['extract_items', 'read_document']);

export interface ExtractionTask {
  task_id: string;
  user_id: string;
  document_path: string;
}

export type ExtractionFrame =
  | { event: 'status_update'; data: { task_id: string; status: TaskStatus } }
  | {
      event: 'final_result';
      data: ExtractionTask & {
        status: 'completed';
        billing: BillingDecision;
        result: ExtractionResult & { summary: string };
      };
    }
  | {
      event: 'error';
      data: ExtractionTask & { status: 'failed'; billing: BillingDecision; error_message: string };
    };

/** What the run is asked; the path is a JSON string so any file name survives quoting. */
const INSTRUCTION: Record<Language, string> = {
  en: 'Extract the structured items from the document {path}.',
  zh: '请从文档 {path} 中抽取结构化条目。',
  ja: '文書 {path} から構造化された項目を抽出してください。',
  es: 'Extrae los elementos estructurados del documento {path}.',
  fr: 'Extrais les éléments structurés du document {path}.',
};

export function extractionInstruction(documentPath: string, language: Language): string {
  return fillTemplate(INSTRUCTION[language], { path: JSON.stringify(documentPath) });
}

/**
 * Turns a run of the `extractor` agent into the task's frames. Statuses follow the run: INIT at
 * conversation_start, PLANNING at the first model step, EXTRACTION when an extraction tool starts,
 * VALIDATION when `extract_items` reports its validating stage. At the end, `final_result` when
 * the run completed with a result from `extract_items`, else `error` with the reason (the tool's
 * error, the run's, or that no items were extracted). Billing is decided by `decideBilling`.
 */
export class ExtractionFrames {
  private language: Language = 'en';
  private reached = -1;
  private result: ExtractionResult | undefined;
  private failure: string | undefined;
  private runError: string | undefined;
  private answer = '';

  constructor(
    private readonly task: ExtractionTask,
    private readonly prices: BillingPrices,
  ) {}

  push(entry: LogEntry): ExtractionFrame[] {
    const { event } = entry;
    switch (event.event_type) {
      case 'conversation_start':
        this.language = event.data.language;
        return this.status('INIT');
      case 'processing_status':
        return event.data.progress_info.stage === 'llm_step' ? this.status('PLANNING') : [];
      case 'tool_call_start':
        return EXTRACTION_TOOLS.has(event.data.tool_name) ? this.status('EXTRACTION') : [];
      case 'tool_call_progress':
        return event.data.tool_name === 'extract_items' &&
          event.data.progress !== null &&
          event.data.progress >= EXTRACT_PROGRESS.validating
          ? this.status('VALIDATION')
          : [];
      case 'tool_call_end':
        this.toolEnded(event.data.tool_name, event.data.status, event.data.result, event.data.error_message);
        return [];
      case 'assistant_message_start':
        this.answer = '';
        return [];
      case 'assistant_message_chunk':
        this.answer += event.data.content;
        return [];
      case 'error':
        this.runError ??= event.data.error_message;
        return [];
      case 'conversation_end':
        if (event.data.status === 'completed' && this.result) {
          return [
            {
              event: 'final_result',
              data: {
                ...this.task,
                status: 'completed',
                billing: decideBilling(
                  { status: this.result.status, validated_count: this.result.validated_items.length },
                  this.prices,
                ),
                result: { ...this.result, summary: this.answer },
              },
            },
          ];
        }
        return [
          {
            event: 'error',
            data: {
              ...this.task,
              status: 'failed',
              billing: decideBilling({ status: AGENT_EXECUTION_FAILURE }, this.prices),
              error_message:
                this.runError ??
                this.failure ??
                (event.data.status === 'completed'
                  ? text('extract_no_result', this.language)
                  : errorMessage(endCode(event.data.status), this.language)),
            },
          },
        ];
      default:
        return [];
    }
  }

  private toolEnded(tool: string, status: string, result: unknown, error: string | null): void {
    if (!EXTRACTION_TOOLS.has(tool)) return;
    if (status !== 'completed') {
      this.failure = error ?? undefined;
      return;
    }
    if (tool !== 'extract_items') return;
    const parsed = extractionResultSchema.safeParse(result);
    if (parsed.success) {
      this.result = parsed.data;
      this.failure = undefined;
    }
  }

  private status(status: TaskStatus): ExtractionFrame[] {
    const index = TASK_STATUSES.indexOf(status);
    if (index <= this.reached) return [];
    this.reached = index;
    return [{ event: 'status_update', data: { task_id: this.task.task_id, status } }];
  }
}

export function extractionFrame(frame: ExtractionFrame): string {
  return encodeFrame({ event: frame.event, data: JSON.stringify(frame.data) });
}

export function extractionDialect(task: ExtractionTask, prices: BillingPrices): DialectStream {
  const frames = new ExtractionFrames(task, prices);
  return { encode: (entry) => frames.push(entry).map(extractionFrame).join('') };
}
