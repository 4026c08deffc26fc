import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SOAK_END, SOAK_START, soakSection, withSoakSection } from './markdown.ts';
import { soakResultsFixture as results } from './results-fixture.ts';

describe('soakSection', () => {
  const section = soakSection(results(), 'bench/results/soak-2026-11-22.json');

  test('states the figures the acceptance asks for', () => {
    assert.match(section, /^## Soak\n/);
    assert.match(section, /\| connect\/disconnect cycles \| 10,000 of 10,000 in 4\.3 min/);
    assert.match(section, /\| mixed traffic \| 30\.0 min, 30,000 scenarios \|/);
    assert.match(
      section,
      /\| server heap after GC, MiB \| 66\.0 at the start, 70\.0 at the end \(\+4\.0; bound \+50\) \|/,
    );
    assert.match(section, /\| \*\*events lost\*\* \| \*\*0\*\* \|/);
    assert.match(section, /\| runs left queued or running \| 0 /);
    assert.match(section, /\| verdict \| \*\*failed\*\*: 2 errors \|/);
    assert.match(
      section,
      /\[`bench\/results\/soak-2026-11-22\.json`\]\(\.\.\/bench\/results\/soak-2026-11-22\.json\)/,
    );
  });

  test('adds up the requests of every phase and lists errors and outcomes by kind', () => {
    assert.match(section, /\| `POST \/api\/sessions` \| 4,010 \|/);
    assert.match(section, /\| `POST \/v1\/extract` \| 1,234 \|/);
    assert.match(section, /\| `native: GET \/api\/runs\/\{id\}\/events answered 410` \| 2 \|/);
    assert.match(section, /\| `cancel: run cancelled` \| 900 \|/);
  });
});

describe('withSoakSection', () => {
  const doc = '# Reliability\n\n## Bad input\n\nText.\n';

  test('appends the markers and the section when the file has none', () => {
    const out = withSoakSection(doc, '## Soak\n\nfirst\n');
    assert.equal(out, `${doc}\n${SOAK_START}\n## Soak\n\nfirst\n${SOAK_END}\n`);
  });

  test('replaces only what is between the markers, keeping what follows', () => {
    const once = withSoakSection(doc, '## Soak\n\nfirst\n');
    const later = `${once}\n## Another section\n\nkept\n`;
    const twice = withSoakSection(later, '## Soak\n\nsecond\n');
    assert.equal(twice, later.replace('first', 'second'));
    assert.equal(withSoakSection(twice, '## Soak\n\nsecond\n'), twice);
  });

  test('refuses broken markers instead of writing a second section', () => {
    assert.throws(() => withSoakSection(`${doc}${SOAK_START}\n## Soak\n`, 'x'), /markers are broken/);
    assert.throws(() => withSoakSection(`${doc}${SOAK_END}\n${SOAK_START}\n`, 'x'), /markers are broken/);
  });
});
