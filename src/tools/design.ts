import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { fillTemplate, type Language, newId } from '../protocol/index.ts';
import type { Tool, ToolContext } from './tool.ts';

export const DESIGN_FILENAME = 'design.md';
/** Folder under the documents folder where design documents are saved, one folder per document. */
export const DESIGNS_FOLDER = 'designs';

const designInput = z.object({
  requirements: z.string().min(1).max(20_000).describe("The user's requirements the document answers."),
  mode: z
    .enum(['quick', 'deep'])
    .default('quick')
    .describe(
      '`quick`: a compact document (overview, components, data, plan). `deep`: also interfaces, ' +
        'non-functional requirements, risks, testing and deployment.',
    ),
  document: z
    .string()
    .min(1)
    .max(500_000)
    .describe(
      "The complete design document in Markdown, written by you in the user's language: a `# ` title, " +
        'then `## ` sections.',
    ),
});

export type DesignInput = z.infer<typeof designInput>;

export interface DesignResult {
  document_id: string;
  filename: string;
  format: 'markdown';
  mode: 'quick' | 'deep';
  title: string;
  /** The `## ` section headings, in order. */
  sections: string[];
  /** The document as streamed and saved. */
  content: string;
  /** Where it was saved, relative to the documents folder; null when not saved. */
  path: string | null;
}

export interface DesignToolOptions {
  /** The documents folder (`SLUICE_DOCUMENTS_DIR`); without it, documents are streamed but not saved. */
  documentsDir?: string;
  /** Document ids; default UUID v7. */
  newId?: () => string;
}

type ProgressKey = 'checking' | 'sections' | 'saving' | 'not_saved' | 'ready';

const PROGRESS: Record<ProgressKey, Record<Language, string>> = {
  checking: {
    en: 'Checking the document structure',
    zh: '正在检查文档结构',
    ja: '文書の構成を確認しています',
    es: 'Comprobando la estructura del documento',
    fr: 'Vérification de la structure du document',
  },
  sections: {
    en: 'Found {count} sections',
    zh: '共找到 {count} 个章节',
    ja: '{count} 個の章が見つかりました',
    es: 'Se encontraron {count} secciones',
    fr: '{count} sections trouvées',
  },
  saving: {
    en: 'Saving {file}',
    zh: '正在保存 {file}',
    ja: '{file} を保存しています',
    es: 'Guardando {file}',
    fr: 'Enregistrement de {file}',
  },
  not_saved: {
    en: '{file} could not be saved ({reason}); it is still sent to you',
    zh: '{file} 无法保存（{reason}），但仍会发送给您',
    ja: '{file} を保存できませんでした（{reason}）。文書はそのまま送信されます',
    es: 'No se pudo guardar {file} ({reason}); se le envía igualmente',
    fr: "{file} n'a pas pu être enregistré ({reason}) ; il vous est tout de même envoyé",
  },
  ready: {
    en: 'Design document ready: {file}',
    zh: '设计文档已完成：{file}',
    ja: '設計書ができました: {file}',
    es: 'Documento de diseño listo: {file}',
    fr: 'Document de conception prêt : {file}',
  },
};

const DEFAULT_TITLE: Record<Language, string> = {
  en: 'Design document',
  zh: '设计文档',
  ja: '設計書',
  es: 'Documento de diseño',
  fr: 'Document de conception',
};

function report(
  ctx: ToolContext,
  key: ProgressKey,
  fraction: number,
  params: Record<string, string | number> = {},
): void {
  ctx.progress(fillTemplate(PROGRESS[key][ctx.language], params), fraction);
}

/** `# ` and `## ` headings outside fenced code blocks. */
export function outline(markdown: string): { title: string | undefined; sections: string[] } {
  let title: string | undefined;
  const sections: string[] = [];
  let fenced = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*(?:```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const heading = /^(#{1,2})\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading?.[2]) continue;
    if (heading[1] === '#') title ??= heading[2];
    else sections.push(heading[2]);
  }
  return { title, sections };
}

/**
 * `design`: the model (demo or real) writes the whole Markdown document as the tool's input; the
 * tool checks its outline (adding a title when there is none), saves it under the documents
 * folder, streams it as `design_document_generated` and returns it, so a client-held context keeps
 * it. It writes no content of its own: with a real model the document is the model's.
 */
export function createDesignTool(options: DesignToolOptions = {}): Tool<DesignInput> {
  const makeId = options.newId ?? newId;
  return {
    name: 'design',
    description:
      'Delivers a design document in Markdown for the requirements, usually after short_planning. Write the ' +
      "whole document yourself in `document`, in the user's language; `mode` is `deep` when the user asks " +
      'for a detailed or in-depth design, else `quick`. The document is saved and sent to the user.',
    inputSchema: designInput,
    async execute(input, ctx): Promise<DesignResult> {
      report(ctx, 'checking', 0.1);
      const found = outline(input.document);
      const title = found.title ?? DEFAULT_TITLE[ctx.language];
      const content = found.title ? input.document.trim() : `# ${title}\n\n${input.document.trim()}`;
      report(ctx, 'sections', 0.4, { count: found.sections.length });

      const documentId = makeId();
      let path: string | null = null;
      if (options.documentsDir) {
        report(ctx, 'saving', 0.7, { file: DESIGN_FILENAME });
        const relative = join(DESIGNS_FOLDER, documentId, DESIGN_FILENAME);
        try {
          const folder = join(options.documentsDir, DESIGNS_FOLDER, documentId);
          await mkdir(folder, { recursive: true });
          await writeFile(join(folder, DESIGN_FILENAME), content, { encoding: 'utf8', signal: ctx.signal });
          path = relative;
        } catch (error) {
          // The document still reaches the user; only the copy on disk is missing.
          if (ctx.signal.aborted) throw error;
          const reason = error instanceof Error ? error.message : String(error);
          report(ctx, 'not_saved', 0.8, { file: DESIGN_FILENAME, reason });
        }
      }
      ctx.emitDocument?.({ documentId, filename: DESIGN_FILENAME, content, format: 'markdown' });
      report(ctx, 'ready', 1, { file: DESIGN_FILENAME });
      return {
        document_id: documentId,
        filename: DESIGN_FILENAME,
        format: 'markdown',
        mode: input.mode,
        title,
        sections: found.sections,
        content,
        path,
      };
    },
  };
}
