import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { z } from 'zod';
import { type ApiKeyConfig, configSchema, type SluiceConfig } from './schema.ts';

/** Raised for any configuration problem; its message lists every problem, one per line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Layer = Record<string, unknown>;

export interface ConfigSources {
  /** Command-line flags, already parsed (highest precedence). */
  flags?: Layer;
  env?: NodeJS.ProcessEnv;
  /** Path of a JSON or YAML config file; defaults to env SLUICE_CONFIG. */
  file?: string;
}

/** Flags, then environment, then the config file, then defaults; validated as a whole. */
export async function loadConfig(sources: ConfigSources = {}): Promise<SluiceConfig> {
  const env = sources.env ?? process.env;
  const filePath = sources.file ?? env.SLUICE_CONFIG;
  const fromFile = filePath ? await readConfigFile(filePath) : {};
  const merged = deepMerge(deepMerge(fromFile, fromEnv(env)), sources.flags ?? {});
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new ConfigError(
      `invalid configuration${filePath ? ` (file ${filePath})` : ''}:\n${lines.join('\n')}`,
    );
  }
  return parsed.data;
}

async function readConfigFile(path: string): Promise<Layer> {
  let raw: string;
  try {
    raw = readFileSync(resolve(path), 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  try {
    const ext = extname(path).toLowerCase();
    const value: unknown =
      ext === '.yaml' || ext === '.yml' ? (await import('yaml')).parse(raw) : JSON.parse(raw);
    return z.record(z.string(), z.unknown()).parse(value ?? {});
  } catch (error) {
    throw new ConfigError(
      `config file ${path} is not valid ${extname(path) || 'JSON'}: ${(error as Error).message}`,
    );
  }
}

/** Parses `key:tenant[:user]` entries separated by commas. */
export function parseApiKeys(value: string): ApiKeyConfig[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [key = '', tenant = '', user, ...rest] = entry.split(':');
      if (key === '' || tenant === '' || rest.length > 0) {
        throw new ConfigError(`SLUICE_API_KEYS: "${mask(entry)}" is not key:tenant or key:tenant:user`);
      }
      return user ? { key, tenant, user } : { key, tenant };
    });
}

function mask(entry: string): string {
  return entry.length <= 4 ? '****' : `${entry.slice(0, 2)}…${entry.slice(-2)}`;
}

function fromEnv(env: NodeJS.ProcessEnv): Layer {
  const layer: Layer = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== '') layer[key] = value;
  };
  set('host', env.SLUICE_HOST);
  set('port', env.SLUICE_PORT);
  set('mode', env.SLUICE_MODE);
  set('log_level', env.SLUICE_LOG_LEVEL);
  set('log_format', env.SLUICE_LOG_FORMAT);
  set('data_dir', env.SLUICE_DATA_DIR);
  set('documents_dir', env.SLUICE_DOCUMENTS_DIR);
  set('demo_pace', env.SLUICE_DEMO_PACE);
  set('database_url', env.DATABASE_URL);
  set('redis_url', env.REDIS_URL);
  set('database_schema', env.DATABASE_SCHEMA);
  if (env.REDIS_PREFIX) layer.redis = { prefix: env.REDIS_PREFIX };
  set('mcp_url', env.MCP_URL);
  set('metrics_token', env.SLUICE_METRICS_TOKEN);
  if (env.SLUICE_API_KEYS) layer.api_keys = parseApiKeys(env.SLUICE_API_KEYS);
  const openai: Layer = {};
  if (env.OPENAI_API_KEY) openai.api_key = env.OPENAI_API_KEY;
  if (env.OPENAI_BASE_URL) openai.base_url = env.OPENAI_BASE_URL;
  if (env.SLUICE_MODEL) openai.model = env.SLUICE_MODEL;
  if (Object.keys(openai).length > 0) layer.openai = openai;
  return layer;
}

function isPlainObject(value: unknown): value is Layer {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: Layer, over: Layer): Layer {
  const out: Layer = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}
