import { createHash } from 'node:crypto';

/** OpenAI's rule for function names, which most OpenAI-compatible servers share. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** Between the server's name and the tool's: `everything__get-sum`. */
export const MCP_NAME_SEPARATOR = '__';

/**
 * A valid MCP server name: letters, digits, `-` and single `_`, at most 32 characters, so
 * `server__` never contains the separator itself and leaves room for the tool's name.
 */
export const MCP_SERVER_NAME_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]|_(?=[a-zA-Z0-9-])){0,31}$/;

const MAX_NAME = 64;
const HASH_CHARS = 8;

/**
 * The registry name of an MCP server's tool: `server__tool`, with every character outside
 * `[a-zA-Z0-9_-]` replaced by `_`. When that is too long, or already `taken` by another of the
 * server's tools (two names that differ only in replaced characters), it is cut and ends in `_`
 * and 8 hex characters of the original name's SHA-256, so the same tool always gets the same name.
 */
export function mcpToolName(server: string, tool: string, taken: ReadonlySet<string> = new Set()): string {
  const full = `${server}${MCP_NAME_SEPARATOR}${tool.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  if (full.length <= MAX_NAME && !taken.has(full)) return full;
  const hash = createHash('sha256').update(tool).digest('hex').slice(0, HASH_CHARS);
  return `${full.slice(0, MAX_NAME - HASH_CHARS - 1)}_${hash}`;
}
