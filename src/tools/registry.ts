import { z } from 'zod';
import type { ToolSpec } from '../llm/provider.ts';
import type { Tool } from './tool.ts';

/**
 * The tools a server knows, by unique name. Specs (JSON Schema for the model) are computed once
 * per tool, on first use, and cached.
 */
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();
  private readonly specCache = new Map<string, ToolSpec>();

  /** Throws when a tool with the same name is already registered. */
  // biome-ignore lint/suspicious/noExplicitAny: a Tool<X> is not a Tool<unknown> (execute takes X), so any is the honest type here
  register(tool: Tool<any>): void {
    if (this.tools.has(tool.name)) throw new Error(`A tool named "${tool.name}" is already registered`);
    this.tools.set(tool.name, tool as Tool);
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name);
  }

  has(name: string): boolean {
    return this.tools.has(name);
  }

  list(): Tool[] {
    return [...this.tools.values()];
  }

  /**
   * Specs of the named tools in the order given (all tools in registration order when `names` is
   * omitted). Names that are not registered are skipped: an agent may list a tool whose source
   * (an MCP server) is not connected.
   */
  specs(names?: readonly string[]): ToolSpec[] {
    const wanted = names ?? [...this.tools.keys()];
    const specs: ToolSpec[] = [];
    for (const name of wanted) {
      const spec = this.spec(name);
      if (spec) specs.push(spec);
    }
    return specs;
  }

  private spec(name: string): ToolSpec | undefined {
    const cached = this.specCache.get(name);
    if (cached) return cached;
    const tool = this.tools.get(name);
    if (!tool) return undefined;
    // `input` describes what the model must send: fields with defaults are optional there.
    const { $schema: _ignored, ...parameters } = z.toJSONSchema(tool.inputSchema, { io: 'input' }) as Record<
      string,
      unknown
    >;
    const spec: ToolSpec = { name: tool.name, description: tool.description, parameters };
    this.specCache.set(name, spec);
    return spec;
  }
}
