export { DemoProvider } from './demo-provider.ts';
export { OpenAiProvider } from './openai-provider.ts';
export { costOf, DEFAULT_PRICES, mergePrices, type PriceTable } from './pricing.ts';
export type { ChatMessage, LlmChunk, LlmProvider, LlmRequest, ToolSpec } from './provider.ts';
export { countChatTokens, countTokens } from './tokens.ts';
