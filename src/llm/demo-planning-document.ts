import { fillTemplate, type Language } from '../protocol/index.ts';
import type { DesignBrief } from './demo-planning-brief.ts';
import { headingSubject } from './demo-planning-brief.ts';
import { ENTITIES, type HeadingKey, PLANNING_TEXTS, ROUTES, type StepKey } from './demo-planning-texts.ts';

/**
 * What the demo model writes for `short_planning` and `design`: deterministic, built from the
 * brief (the user's own words) and the plan, in the run's language.
 */

const SHOWN_FEATURES = 3;

function fill(template: string, brief: DesignBrief, extra: Record<string, string | number> = {}): string {
  const { subject, the, of } = brief.subject;
  return fillTemplate(template, { subject, the, of, ...extra });
}

/** The steps of the plan; a deep design adds a step for security, performance and risks. */
export function planSteps(brief: DesignBrief, language: Language): string[] {
  const texts = PLANNING_TEXTS[language];
  const features =
    brief.wishes.length > 0
      ? brief.wishes
      : texts.features[brief.domain].slice(0, SHOWN_FEATURES).map((f) => fill(f, brief).toLocaleLowerCase());
  const keys: StepKey[] =
    brief.mode === 'deep'
      ? ['goals', 'features', 'architecture', 'data', 'risks', 'build', 'ship']
      : ['goals', 'features', 'architecture', 'data', 'build', 'ship'];
  return keys.map((key) => fill(texts.steps[key], brief, { features: features.join(texts.separator) }));
}

export function designTitle(brief: DesignBrief, language: Language): string {
  return fillTemplate(PLANNING_TEXTS[language].title, {
    subject: headingSubject(brief.subject.subject, language),
  });
}

/** The Markdown design document: six sections in quick mode, eleven in deep mode. */
export function designDocument(brief: DesignBrief, steps: readonly string[], language: Language): string {
  const texts = PLANNING_TEXTS[language];
  // Templates are filled before they meet the user's words, which are never filled.
  const bullets = (items: readonly string[]) => items.map((item) => `- ${item}`).join('\n');
  const filled = (templates: readonly string[]) => templates.map((t) => fill(t, brief));
  const table = (header: readonly string[], rows: readonly (readonly string[])[]) =>
    [
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...rows.map((row) => `| ${row.map((cell) => fill(cell, brief)).join(' | ')} |`),
    ].join('\n');
  const wishes = brief.wishes.map((wish) => headingSubject(wish, language));

  const sections: Array<[HeadingKey, string]> = [
    ['overview', fill(texts.overview[brief.mode], brief)],
    ['requirements', `${texts.requestsLead}\n\n${brief.requests.map((r) => `> ${r}`).join('\n>\n')}`],
    ['features', bullets([...filled(texts.features[brief.domain]), ...wishes])],
    [
      'architecture',
      bullets([
        ...filled([texts.components.client, texts.components.gateway, texts.components.core]),
        ...brief.wishes.map((wish) => fillTemplate(texts.components.module, { wish })),
        texts.components.database,
        texts.components.cache,
        ...(brief.mode === 'deep' ? [texts.components.queue] : []),
      ]),
    ],
    [
      'data',
      table(
        texts.entityHeader,
        ENTITIES[brief.domain].map(([name, fields], i) => [
          `\`${name}\``,
          fields,
          texts.entityPurposes[brief.domain][i] ?? '',
        ]),
      ),
    ],
  ];
  if (brief.mode === 'deep') {
    sections.push([
      'interfaces',
      table(
        texts.interfaceHeader,
        ROUTES[brief.domain].map(([method, path], i) => [
          `\`${method}\``,
          `\`${path}\``,
          texts.routePurposes[brief.domain][i] ?? '',
        ]),
      ),
    ]);
  }
  sections.push(['plan', steps.map((step, i) => `${i + 1}. ${step}`).join('\n')]);
  if (brief.mode === 'deep') {
    sections.push(
      ['nonFunctional', bullets(texts.nonFunctional)],
      ['risks', bullets(texts.risks)],
      ['testing', bullets(texts.testing)],
      ['deployment', bullets(texts.deployment)],
    );
  }
  return [
    `# ${designTitle(brief, language)}`,
    ...sections.map(([key, body]) => `## ${texts.headings[key]}\n\n${body}`),
  ].join('\n\n');
}
