import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatMessage } from './provider.ts';

/**
 * Local token counting (o200k_base, the encoding of gpt-4o, gpt-4.1 and the o-series), used when
 * a provider reports no usage. Counts are exact for OpenAI's current models on ordinary text and
 * a close estimate for other vendors' tokenizers.
 */

/** Special-token markers such as `<|endoftext|>` in user text count as plain text, never throw. */
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * BPE merging is quadratic in the length of one pre-tokenized piece, and text without spaces
 * (Chinese, Japanese, long runs of one character) forms very long pieces: 50,000 Chinese characters
 * take seconds in one piece. Text is therefore counted in blocks of at most this many UTF-16 units,
 * cut before a whitespace where one is near (exact for spaced text) or else between code points
 * (off by a token or so per cut).
 */
const BLOCK_LENGTH = 256;

export function countTokens(text: string): number {
  let total = 0;
  for (let start = 0; start < text.length; ) {
    const end = blockEnd(text, start);
    total += countBlock(text.slice(start, end));
    start = end;
  }
  return total;
}

function blockEnd(text: string, start: number): number {
  const limit = start + BLOCK_LENGTH;
  if (limit >= text.length) return text.length;
  for (let i = limit; i > start + BLOCK_LENGTH / 2; i--) {
    if (isWhitespace(text.charCodeAt(i))) return i;
  }
  const splitsPair = isHighSurrogate(text.charCodeAt(limit - 1)) && isLowSurrogate(text.charCodeAt(limit));
  return splitsPair ? limit - 1 : limit;
}

function countBlock(block: string): number {
  try {
    return countO200k(block, AS_PLAIN_TEXT);
  } catch {
    // The encoder has no known failure on any string; should one appear, an estimate beats a crash.
    return Math.ceil(block.length / 4);
  }
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x3000;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * OpenAI's documented chat overhead for current models: each message costs 3 tokens besides its
 * role and content, a name 1 more, and every reply is primed with 3.
 */
const PER_MESSAGE = 3;
const PER_NAME = 1;
const REPLY_PRIMING = 3;
/** Not documented by OpenAI: an estimate of the wrapping around one call's name and arguments. */
const PER_TOOL_CALL = 3;

/** Prompt tokens of a conversation: roles, contents, names, and tool calls' names and arguments. */
export function countChatTokens(messages: readonly ChatMessage[]): number {
  let total = REPLY_PRIMING;
  for (const message of messages) {
    total += PER_MESSAGE + countTokens(message.role) + countTokens(message.content);
    if (message.role === 'tool' && message.name) total += PER_NAME + countTokens(message.name);
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) {
        total += PER_TOOL_CALL + countTokens(call.name) + countTokens(call.arguments);
      }
    }
  }
  return total;
}
