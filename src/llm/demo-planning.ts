import { fillTemplate, type Language } from '../protocol/index.ts';
import {
  type DesignMode,
  isAddition,
  isDeepRequest,
  isPlanningRequest,
  readBrief,
} from './demo-planning-brief.ts';
import { designDocument, planSteps } from './demo-planning-document.ts';
import { PLANNING_TEXTS } from './demo-planning-texts.ts';
import type { DemoPlan, DemoRule, DemoToolResult, DemoTurn } from './demo-rules.ts';
import type { ChatMessage } from './provider.ts';

const PLAN_TOOL = 'short_planning';
const DESIGN_TOOL = 'design';

/**
 * The requirements of the last plan in the conversation (the `requirements` argument of the last
 * `short_planning` call), so a follow-up turn ("also add loyalty points") plans the whole system
 * again. This is how the demo uses a context the client fed back.
 */
export function previousRequirements(messages: readonly ChatMessage[] = []): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role !== 'assistant') continue;
    for (const call of [...(message.tool_calls ?? [])].reverse()) {
      if (call.name !== PLAN_TOOL) continue;
      try {
        const args = JSON.parse(call.arguments) as { requirements?: unknown };
        if (typeof args.requirements === 'string' && args.requirements.trim() !== '')
          return args.requirements;
      } catch {
        // Not JSON: look further back.
      }
    }
  }
  return undefined;
}

function modeOf(text: string): DesignMode {
  return isDeepRequest(text) ? 'deep' : 'quick';
}

/** The requirements so far plus this turn's text, one request per line. */
function requirementsFor(turn: DemoTurn): string {
  const text = turn.text.replace(/\s*\n\s*/g, ' ').trim();
  const previous = previousRequirements(turn.messages);
  if (!previous) return text;
  const lines = previous.split('\n');
  return lines.at(-1) === text ? previous : [...lines, text].join('\n');
}

function stepsOf(result: DemoToolResult): string[] | undefined {
  const value = result.value as { steps?: unknown } | null;
  const steps = value && typeof value === 'object' ? value.steps : undefined;
  return Array.isArray(steps) && steps.every((s) => typeof s === 'string') ? steps : undefined;
}

function describeDesign(value: unknown, language: Language): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { title, sections, path } = value as Record<string, unknown>;
  if (typeof title !== 'string' || !Array.isArray(sections)) return undefined;
  const texts = PLANNING_TEXTS[language];
  const ready = fillTemplate(texts.designReady, {
    title,
    count: sections.length,
    sections: sections.join(texts.separator),
  });
  return typeof path === 'string' ? ready + fillTemplate(texts.designSaved, { path }) : ready;
}

/**
 * Planning and design, where the planner's tools are offered: a request to plan or design a
 * system (or to add to the last plan) calls `short_planning` with steps built from the user's
 * words; when the plan comes back it calls `design` with the whole Markdown document; then it
 * sums up. Everything is written in the run's language.
 */
export const planningRule: DemoRule = {
  name: 'planning',
  plan(turn: DemoTurn): DemoPlan | undefined {
    if (!turn.tools.has(PLAN_TOOL) || !turn.tools.has(DESIGN_TOOL)) return undefined;
    const previous = previousRequirements(turn.messages);
    if (!isPlanningRequest(turn.text) && !(previous && isAddition(turn.text))) return undefined;
    const requirements = requirementsFor(turn);
    const brief = readBrief(requirements, turn.language, modeOf(turn.text));
    return {
      kind: 'calls',
      intro: fillTemplate(PLANNING_TEXTS[turn.language].planIntro, { ...brief.subject }),
      calls: [{ name: PLAN_TOOL, arguments: { requirements, steps: planSteps(brief, turn.language) } }],
    };
  },
  continueWith(turn: DemoTurn, results: readonly DemoToolResult[]): DemoPlan | undefined {
    if (!turn.tools.has(DESIGN_TOOL)) return undefined;
    const plan = results.find((r) => r.name === PLAN_TOOL && r.ok);
    const steps = plan && stepsOf(plan);
    const requirements = plan?.arguments.requirements;
    if (!steps || typeof requirements !== 'string') return undefined;
    const mode = modeOf(turn.text);
    const brief = readBrief(requirements, turn.language, mode);
    return {
      kind: 'calls',
      intro: fillTemplate(PLANNING_TEXTS[turn.language].designIntro[mode], { count: steps.length }),
      calls: [
        {
          name: DESIGN_TOOL,
          arguments: { requirements, mode, document: designDocument(brief, steps, turn.language) },
        },
      ],
    };
  },
  describeResult(result: DemoToolResult, language: Language): string | undefined {
    if (result.name === DESIGN_TOOL) return describeDesign(result.value, language);
    if (result.name !== PLAN_TOOL) return undefined;
    const plan = (result.value as { plan?: unknown } | null)?.plan;
    return typeof plan === 'string' ? fillTemplate(PLANNING_TEXTS[language].planReady, { plan }) : undefined;
  },
};
