import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { MIGRATIONS_FOLDER } from './migrate.ts';

test('every journal entry has its SQL file and no migration pins a schema', async () => {
  const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const files = (await readdir(MIGRATIONS_FOLDER)).filter((name) => name.endsWith('.sql')).sort();
  assert.deepEqual(
    files,
    journal.entries.map((entry) => `${entry.tag}.sql`),
  );
  for (const file of files) {
    const text = await readFile(join(MIGRATIONS_FOLDER, file), 'utf8');
    // Tables must follow the search_path (tests run in schemas of their own).
    assert.doesNotMatch(text, /"public"\./, `${file}: remove the "public". that drizzle-kit wrote`);
  }
});
