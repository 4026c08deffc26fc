import { z } from 'zod';
import { text } from '../protocol/index.ts';
import { readDocument } from './documents.ts';
import { type ExtractionResult, validateItems } from './extract-items.ts';
import { findItems } from './extract-rules.ts';
import type { Tool } from './tool.ts';

export interface DocumentToolOptions {
  /** The only folder documents are read from (config `documents_dir`). */
  documentsDir: string;
  maxBytes: number;
}

/**
 * The `fraction` each stage of `extract_items` reports with its progress; the extraction dialect
 * maps the validating one to its `VALIDATION` status.
 */
export const EXTRACT_PROGRESS = { reading: 0.1, extracting: 0.4, validating: 0.8 } as const;

const documentPath = z
  .string()
  .min(1)
  .max(1024)
  .describe('Path of the document, relative to the documents folder, e.g. "contracts/lease.txt".');

const extractInput = z.object({
  document_path: documentPath,
  items: z
    .array(z.record(z.string(), z.unknown()))
    .max(1000)
    .optional()
    .describe(
      'Items you found yourself, each {type, value, normalized, context, confidence}; type is one of ' +
        'date, amount, percentage, email, url, phone, person, organization, other; value copied exactly ' +
        'from the document; normalized an ISO date, "1234.5 USD", "12.5%" or null. Omit to let the ' +
        'built-in rules find dates, amounts, percentages, emails, URLs, phones, people and companies.',
    ),
});
export type ExtractInput = z.infer<typeof extractInput>;

const readInput = z.object({ document_path: documentPath });

/**
 * `extract_items`: reads a document from the documents folder and returns `{status, items,
 * validated_items, rejected}`. Without `items` the deterministic rules propose the candidates (the
 * demo model's way); with `items` (a real model's way, after `read_document`) the model's own
 * items are the candidates. Either way every candidate goes through `validateItems`.
 */
export function createExtractItemsTool(options: DocumentToolOptions): Tool<ExtractInput> {
  return {
    name: 'extract_items',
    description:
      'Extracts structured items (dates, amounts, percentages, emails, URLs, phone numbers, people, ' +
      'organizations) from a document in the documents folder and validates them against the document. ' +
      'Returns {status, items, validated_items, rejected}.',
    inputSchema: extractInput,
    async execute(input, ctx): Promise<ExtractionResult> {
      const document = input.document_path;
      ctx.progress(text('extract_reading', ctx.language, { document }), EXTRACT_PROGRESS.reading);
      const { text: content } = await readDocument(options.documentsDir, document, {
        maxBytes: options.maxBytes,
        language: ctx.language,
      });
      ctx.progress(text('extract_extracting', ctx.language, { document }), EXTRACT_PROGRESS.extracting);
      const items: unknown[] = input.items ?? findItems(content);
      ctx.progress(
        text('extract_validating', ctx.language, { count: items.length }),
        EXTRACT_PROGRESS.validating,
      );
      const { validated, rejected } = validateItems(items, content);
      return { status: 'completed', document_path: document, items, validated_items: validated, rejected };
    },
  };
}

/** `read_document`: the text of a document in the documents folder, for a model to read. */
export function createReadDocumentTool(options: DocumentToolOptions): Tool<z.infer<typeof readInput>> {
  return {
    name: 'read_document',
    description:
      'Returns the text of a UTF-8 document in the documents folder, given its relative path. ' +
      'Read a document before sending your own items to extract_items.',
    inputSchema: readInput,
    async execute(input, ctx) {
      ctx.progress(
        text('extract_reading', ctx.language, { document: input.document_path }),
        EXTRACT_PROGRESS.reading,
      );
      const document = await readDocument(options.documentsDir, input.document_path, {
        maxBytes: options.maxBytes,
        language: ctx.language,
      });
      return { document_path: document.path, bytes: document.bytes, text: document.text };
    },
  };
}

/** The document tools the `extractor` agent uses. */
export function documentTools(options: DocumentToolOptions): Tool[] {
  return [createExtractItemsTool(options) as Tool, createReadDocumentTool(options) as Tool];
}
