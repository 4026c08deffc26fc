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

  /** Removes a tool (an MCP server dropped it); returns whether it was there. */
  unregister(name: string): boolean {
    this.specCache.delete(name);
    return this.tools.delete(name);
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
   * The registered tools an agent's `tools` list allows, in the list's order, without repeats.
   * An entry ending in `*` allows every tool whose name starts with the rest (`everything__*`
   * allows all of that MCP server's tools, whenever they are listed); other entries are exact.
   */
  allowed(patterns: readonly string[]): string[] {
    const names = new Set<string>();
    for (const pattern of patterns) {
      if (pattern.endsWith('*')) {
        const prefix = pattern.slice(0, -1);
        for (const name of this.tools.keys()) if (name.startsWith(prefix)) names.add(name);
      } else if (this.tools.has(pattern)) {
        names.add(pattern);
      }
    }
    return [...names];
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
    if (tool.jsonSchema) {
      const spec: ToolSpec = { name: tool.name, description: tool.description, parameters: tool.jsonSchema };
      this.specCache.set(name, spec);
      return spec;
    }
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
