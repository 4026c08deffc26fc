import { extractionInstruction } from '../dialects/index.ts';
import type { Language } from '../protocol/index.ts';
import type { RunRecord } from '../store/index.ts';
import type { Principal } from './auth.ts';
import type { AppContext } from './context.ts';

/** The agent that runs extraction tasks. */
export const EXTRACTION_AGENT_ID = 'extractor';

export interface ExtractionTask {
  task_id: string;
  user_id: string;
  document_path: string;
}

export interface StartedExtraction {
  run: RunRecord;
  task: ExtractionTask;
  /** Billing settings for the dialect's frames. */
  billing: { pricePerItem: number; currency: string };
}

/**
 * Starts an extraction task: a session of the extractor agent and a run on the document. Shared
 * by `POST /v1/extract` and the `extract` MCP tool, so both bill and name tasks alike; `source`
 * records which one in the session's metadata.
 */
export async function startExtraction(
  ctx: AppContext,
  principal: Principal,
  input: { document_path: string; user_id: string; language: Language; source: string },
): Promise<StartedExtraction> {
  const agent = ctx.agents.require(EXTRACTION_AGENT_ID);
  const session = await ctx.store.createSession({
    tenant_id: principal.tenantId,
    user_id: input.user_id,
    agent_id: agent.id,
    language: input.language,
    title: '',
    metadata: { dialect: input.source, document_path: input.document_path },
  });
  const run = await ctx.runs.start({
    tenantId: principal.tenantId,
    session,
    message: extractionInstruction(input.document_path, input.language),
    language: input.language,
  });
  const { price_per_item, currency } = ctx.config.extraction;
  return {
    run,
    task: { task_id: `task_${run.id}`, user_id: input.user_id, document_path: input.document_path },
    billing: { pricePerItem: price_per_item, currency },
  };
}
