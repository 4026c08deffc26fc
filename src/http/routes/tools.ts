import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';

/**
 * `GET /api/tools`: for each agent, the tools it may call right now, with their source (`builtin`
 * or `mcp:<server>`), description and the JSON Schema the model sees; `unavailable` lists the
 * entries of its `tools` that match nothing yet (an MCP server not connected). `mcp_servers`
 * tells how each MCP server's connection stands.
 */
export function toolRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/tools', async (request) => {
    ctx.auth.authenticate(request);
    const items = ctx.agents.list().map((agent) => {
      const names = ctx.tools.allowed(agent.tools);
      const specs = ctx.tools.specs(names);
      return {
        agent_id: agent.id,
        tools: specs.map((spec) => ({
          name: spec.name,
          source: ctx.tools.get(spec.name)?.source ?? 'builtin',
          description: spec.description,
          parameters: spec.parameters,
        })),
        unavailable: agent.tools.filter((entry) => ctx.tools.allowed([entry]).length === 0),
      };
    });
    return { items, mcp_servers: ctx.mcp.status() };
  });
}
