import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/**
 * zod -> JSON Schema 2020-12 (OpenAPI 3.1's dialect) for the document. Named schemas become
 * `components.schemas` entries and are referenced wherever they occur, nested ones included.
 * Request-side view (`io: 'input'`): a field with a default is optional, and objects that are not
 * strict stay open, so a field the server adds later breaks no client.
 */
export class SchemaConverter {
  private readonly registry = z.registry<{ id: string }>();
  private readonly names = new Map<z.ZodType, string>();
  readonly components: Record<string, JsonSchema> = {};

  /** Shows `schema` under `name`; the same schema under two names is a mistake. */
  name(name: string, schema: z.ZodType): void {
    const existing = this.names.get(schema);
    if (existing === name) return;
    if (existing) throw new Error(`schema ${name} is already named ${existing}`);
    if ([...this.names.values()].includes(name)) throw new Error(`two schemas are named ${name}`);
    this.names.set(schema, name);
    this.registry.add(schema, { id: name });
  }

  convert(schema: z.ZodType): JsonSchema {
    const json = z.toJSONSchema(schema, {
      metadata: this.registry,
      target: 'draft-2020-12',
      io: 'input',
      unrepresentable: 'any',
      override: tidy,
    }) as JsonSchema;
    const { $schema: _dialect, $defs, ...rest } = json;
    for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      this.components[name] ??= toComponentRefs(def);
    }
    return toComponentRefs(rest);
  }

  /** Converts every named schema, so each has its component even if no operation uses it. */
  convertNamed(): void {
    for (const schema of this.names.keys()) this.convert(schema);
  }
}

/**
 * Keeps descriptions given with `.describe()` (they live in zod's global registry, not ours),
 * and drops what only adds noise next to a `format`: the regex zod spells uuid and date-time
 * with, and the 2^53 bound of every integer.
 */
function tidy(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const { jsonSchema } = ctx;
  const description = z.globalRegistry.get(ctx.zodSchema as z.ZodType)?.description;
  if (description && jsonSchema.description === undefined) jsonSchema.description = description;
  if (typeof jsonSchema.format === 'string') delete jsonSchema.pattern;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
}

function toComponentRefs(schema: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
}
