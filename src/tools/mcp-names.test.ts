import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MCP_SERVER_NAME_PATTERN, mcpToolName, TOOL_NAME_PATTERN } from './mcp-names.ts';

test('a tool is named server__tool, with characters outside OpenAI’s rule replaced', () => {
  assert.equal(mcpToolName('everything', 'get-sum'), 'everything__get-sum');
  assert.equal(mcpToolName('fs', 'read.file/v2 now'), 'fs__read_file_v2_now');
  assert.equal(mcpToolName('x', '读取'), 'x____');
});

test('too long or taken names are cut and end in a hash of the original, stable and unique', () => {
  const long = `tool_${'a'.repeat(80)}`;
  const name = mcpToolName('server', long);
  assert.equal(name.length, 64);
  assert.match(name, /^server__tool_a+_[0-9a-f]{8}$/);
  assert.equal(mcpToolName('server', long), name);
  assert.notEqual(mcpToolName('server', `${long}b`), name);

  const taken = new Set([mcpToolName('fs', 'read.file')]);
  const other = mcpToolName('fs', 'read_file', taken);
  assert.match(other, /^fs__read_file_[0-9a-f]{8}$/);
  for (const n of [name, other, ...taken]) assert.match(n, TOOL_NAME_PATTERN);
});

test('server names: letters, digits, - and single _, never the separator, at most 32', () => {
  for (const good of ['everything', 'my-server', 'a_b', 'S3', 'x'.repeat(32)]) {
    assert.match(good, MCP_SERVER_NAME_PATTERN, good);
  }
  for (const bad of ['', 'a__b', 'trailing_', '_lead', 'has space', 'dot.ted', 'x'.repeat(33)]) {
    assert.doesNotMatch(bad, MCP_SERVER_NAME_PATTERN, bad);
  }
});
