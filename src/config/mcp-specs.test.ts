import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './load.ts';
import { mcpServerSpecs } from './mcp-specs.ts';
import { configSchema } from './schema.ts';

test('config servers (stdio and Streamable HTTP) then MCP_URL as `mcp`, with the timeouts', async () => {
  const config = await loadConfig({
    env: { MCP_URL: 'http://127.0.0.1:8165/mcp/' },
    flags: {
      mcp_servers: [
        {
          name: 'everything',
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-everything'],
          env: { A: '1' },
        },
        {
          name: 'search',
          url: 'https://mcp.example/mcp',
          headers: { authorization: 'Bearer t' },
          timeout_ms: 5000,
        },
      ],
    },
  });
  assert.deepEqual(mcpServerSpecs(config), [
    {
      name: 'everything',
      timeoutMs: 60_000,
      maxTotalMs: 600_000,
      transport: 'stdio',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-everything'],
      env: { A: '1' },
    },
    {
      name: 'search',
      timeoutMs: 5000,
      maxTotalMs: 600_000,
      transport: 'http',
      url: 'https://mcp.example/mcp',
      headers: { authorization: 'Bearer t' },
    },
    {
      name: 'mcp',
      transport: 'http',
      url: 'http://127.0.0.1:8165/mcp/',
      timeoutMs: 60_000,
      maxTotalMs: 600_000,
    },
  ]);
});

test('bad entries are configuration errors naming the field', async () => {
  const twice = { name: 'a', command: 'x' };
  await assert.rejects(loadConfig({ env: {}, flags: { mcp_servers: [twice, twice] } }), (error: Error) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /mcp_servers\.1\.name: "a" is used twice/);
    return true;
  });
  await assert.rejects(
    loadConfig({ env: {}, flags: { mcp_servers: [{ name: 'a__b', command: 'x' }] } }),
    /mcp_servers/,
  );
  await assert.rejects(
    loadConfig({ env: {}, flags: { mcp_servers: [{ name: 'a', url: 'not a url' }] } }),
    /mcp_servers/,
  );
  const clash = configSchema.parse({
    mcp_url: 'http://127.0.0.1:1/mcp',
    mcp_servers: [{ name: 'mcp', command: 'x' }],
  });
  assert.throws(() => mcpServerSpecs(clash), /"mcp" is the name MCP_URL's server takes/);
});
