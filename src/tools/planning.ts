import { z } from 'zod';
import { fillTemplate, type Language } from '../protocol/index.ts';
import type { Tool, ToolContext } from './tool.ts';

const MAX_STEPS = 20;

const shortPlanningInput = z.object({
  requirements: z
    .string()
    .min(1)
    .max(20_000)
    .describe(
      "The user's requirements in their own words, including those from earlier in the conversation.",
    ),
  steps: z
    .array(z.string().min(1).max(500))
    .min(1)
    .max(MAX_STEPS)
    .describe(
      "The plan you propose: 3 to 10 short steps, in order, in the user's language, without numbers.",
    ),
});

export type ShortPlanningInput = z.infer<typeof shortPlanningInput>;

export interface ShortPlanningResult {
  requirements: string;
  /** The steps, cleaned: no numbering, no blanks, no repeats. */
  steps: string[];
  /** The steps as a numbered Markdown list. */
  plan: string;
  step_count: number;
}

const PROGRESS: Record<'reading' | 'ordering' | 'ready', Record<Language, string>> = {
  reading: {
    en: 'Reading the requirements',
    zh: '正在阅读需求',
    ja: '要件を読んでいます',
    es: 'Leyendo los requisitos',
    fr: 'Lecture des exigences',
  },
  ordering: {
    en: 'Ordering {count} steps',
    zh: '正在排列 {count} 个步骤',
    ja: '{count} 個のステップを並べています',
    es: 'Ordenando {count} pasos',
    fr: 'Mise en ordre de {count} étapes',
  },
  ready: {
    en: 'Plan ready: {count} steps',
    zh: '计划已完成：共 {count} 步',
    ja: '計画ができました: {count} ステップ',
    es: 'Plan listo: {count} pasos',
    fr: 'Plan prêt : {count} étapes',
  },
};

function report(ctx: ToolContext, key: keyof typeof PROGRESS, fraction: number, count = 0): void {
  ctx.progress(fillTemplate(PROGRESS[key][ctx.language], { count }), fraction);
}

// "1. ", "2) ", "- ", "* ", "第1步：", "ステップ1:", "Step 1:" in front of a step the model numbered itself.
const LEADING_MARKER =
  /^\s*(?:[-*•]\s+|\(?\d+[.)、:：]\s*|第\s*\d+\s*[步项]\s*[:：、.]?\s*|ステップ\s*\d+\s*[:：.]?\s*|(?:step|paso|étape)\s*\d+\s*[:.]\s*)/iu;

/** Trims the steps, strips numbering the model added, drops blanks and repeats. */
export function cleanSteps(steps: readonly string[]): string[] {
  const seen = new Set<string>();
  const clean: string[] = [];
  for (const step of steps) {
    const text = step.replace(LEADING_MARKER, '').replace(/\s+/g, ' ').trim();
    if (text === '' || seen.has(text)) continue;
    seen.add(text);
    clean.push(text);
  }
  return clean;
}

export function numberedPlan(steps: readonly string[]): string {
  return steps.map((step, index) => `${index + 1}. ${step}`).join('\n');
}

/**
 * `short_planning`: the model (demo or real) writes the steps; the tool cleans and numbers them so
 * every plan has the same shape, and reports its progress. It invents no content of its own.
 */
export const shortPlanningTool: Tool<ShortPlanningInput> = {
  name: 'short_planning',
  description:
    "Records a short plan for the user's requirements. Call it first for any request to plan, design or " +
    'build a system: pass the requirements and the steps you propose (3 to 10, in order, in the ' +
    "user's language). Returns the numbered plan.",
  inputSchema: shortPlanningInput,
  async execute(input, ctx): Promise<ShortPlanningResult> {
    report(ctx, 'reading', 0.2);
    const steps = cleanSteps(input.steps);
    if (steps.length === 0) throw new Error('every step is empty once numbering is removed');
    report(ctx, 'ordering', 0.6, steps.length);
    const result = {
      requirements: input.requirements.trim(),
      steps,
      plan: numberedPlan(steps),
      step_count: steps.length,
    };
    report(ctx, 'ready', 1, steps.length);
    return result;
  },
};
