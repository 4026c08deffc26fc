import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ERROR_CODES, ERRORS } from './errors.ts';
import { canonicalEventSchema, EVENT_TYPES, type EventType, eventDataSchemas } from './events.ts';

// docs/protocol.md is the protocol's user-facing contract: adding an event type, a data field or
// an error code without documenting it fails here.
const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

/** The text under `### \`type\``, up to the next heading of level 1 to 3. */
function section(type: EventType): string {
  const start = doc.indexOf(`\n### \`${type}\`\n`);
  assert.notEqual(start, -1, `no "### \`${type}\`" heading`);
  const body = doc.slice(doc.indexOf('\n', start + 1));
  const next = body.search(/^#{1,3} /m);
  return next === -1 ? body : body.slice(0, next);
}

function firstJsonBlock(text: string): unknown {
  const match = /```json\n([\s\S]*?)\n```/.exec(text);
  assert.ok(match?.[1], 'no ```json example');
  return JSON.parse(match[1]);
}

describe('docs/protocol.md', () => {
  test('every event type has a "### `type`" heading, and every such heading is an event type', () => {
    const headings = Array.from(doc.matchAll(/^### `([^`]+)`$/gm), (match) => match[1]);
    for (const type of EVENT_TYPES) assert.ok(headings.includes(type), `${type} is not documented`);
    for (const heading of headings)
      assert.ok((EVENT_TYPES as string[]).includes(heading ?? ''), `${heading} is stale`);
  });

  for (const type of EVENT_TYPES) {
    test(`${type}: every data field is in its table and its example is valid`, () => {
      const text = section(type);
      for (const field of Object.keys(eventDataSchemas[type].shape)) {
        assert.ok(text.includes(`| \`${field}\` |`), `${type}.${field} is not in the table`);
      }
      const example = firstJsonBlock(text);
      const parsed = eventDataSchemas[type].safeParse(example);
      assert.ok(parsed.success, parsed.error?.message);
      // The object schemas drop unknown keys, so equality means the example has no invented fields.
      assert.deepEqual(parsed.data, example);
    });
  }

  test('the frame example is a valid event whose id and event match seq and event_type', () => {
    const match = /```\n(id: .*)\n(event: .*)\n(data: .*)\n\n```/.exec(doc);
    assert.ok(match, 'no id:/event:/data: frame example');
    const [, id = '', name = '', data = ''] = match;
    const event = canonicalEventSchema.parse(JSON.parse(data.slice('data: '.length)));
    assert.equal(id, `id: ${event.seq}`);
    assert.equal(name, `event: ${event.event_type}`);
  });

  test('every error code is in the error table with its status and retryable flag', () => {
    for (const code of ERROR_CODES) {
      assert.ok(doc.includes(`\`${code}\``), `${code} is not documented`);
      const row = new RegExp(`^\\| \`${code}\` \\| (\\d{3}) \\| (yes|no) \\|`, 'm').exec(doc);
      assert.ok(row, `${code} has no row in the error table`);
      assert.equal(Number(row[1]), ERRORS[code].status, `${code} status`);
      assert.equal(row[2] === 'yes', ERRORS[code].retryable, `${code} retryable`);
    }
  });

  test('the error table has no code that no longer exists', () => {
    const rows = Array.from(doc.matchAll(/^\| `([a-z_]+)` \| \d{3} \|/gm), (match) => match[1] ?? '');
    assert.deepEqual(rows.sort(), [...ERROR_CODES].sort());
  });
});
