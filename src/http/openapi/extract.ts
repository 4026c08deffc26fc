import { z } from 'zod';
import { extractionQuery, extractionRequest } from '../../dialects/index.ts';
import type { ApiArea } from './operation.ts';

/**
 * The data of `status_update` ({task_id, status}), `final_result` ({task_id, user_id,
 * document_path, status "completed", billing, result}) and `error` ({..., status "failed",
 * billing, error_message}) frames.
 */
const taskFrame = z.looseObject({ task_id: z.string(), status: z.string() });

const stream = {
  description: 'status_update frames (INIT, PLANNING, EXTRACTION, VALIDATION), then final_result or error.',
  events: taskFrame,
  headers: { 'x-sluice-task-id': 'The task id: `task_` + the run id.' },
};

/** routes/extract.ts */
export const extractArea: ApiArea = {
  tag: 'Extraction',
  description:
    'A long extraction task over SSE: the `extractor` agent reads a document from the documents folder and returns validated items, with a billing decision. See docs/dialects.md.',
  schemas: { ExtractionRequest: extractionRequest, ExtractionFrame: taskFrame },
  operations: [
    {
      method: 'POST',
      path: '/v1/extract',
      operationId: 'extract',
      summary: 'Run an extraction task',
      description: 'A client that leaves cancels the task.',
      body: extractionRequest,
      examples: [{ body: { document_path: 'contract.txt', user_id: 'user-1' } }],
      responses: { 200: stream },
      errors: ['unsupported_language'],
    },
    {
      method: 'GET',
      path: '/v1/extract',
      operationId: 'extractEventSource',
      summary: 'The same, for EventSource',
      description: 'The fields in the query; the key as `api_key` (or `access_token`).',
      query: extractionQuery,
      examples: [{ query: { document_path: 'contract.txt', user_id: 'user-1' } }],
      responses: { 200: stream },
      errors: ['unsupported_language'],
    },
  ],
};
