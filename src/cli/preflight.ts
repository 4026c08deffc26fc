import { ConfigError, type SluiceConfig } from '../config/index.ts';

/** Refuses configurations that would start in a state the user did not ask for. */
export function checkConfig(config: SluiceConfig): void {
  if (config.mode === 'prod' && config.api_keys.length === 0 && !config.insecure_no_auth) {
    throw new ConfigError(
      'prod mode needs API keys (SLUICE_API_KEYS=key:tenant[,key:tenant]) or an explicit --insecure-no-auth',
    );
  }
  if (config.workers > 1) {
    const missing = [
      ...(config.database_url ? [] : ['DATABASE_URL (PostgreSQL)']),
      ...(config.redis_url ? [] : ['REDIS_URL (Redis)']),
    ];
    if (missing.length > 0) {
      throw new ConfigError(
        `--workers ${config.workers} runs ${config.workers} processes that share sessions, runs and streams: ` +
          `set ${missing.join(' and ')}`,
      );
    }
  }
}

/**
 * Asks the configured OpenAI-compatible endpoint for its models before listening, so a wrong URL
 * or key shows up at start with a clear message rather than at the first run. Returns the problem,
 * or undefined when the endpoint answers. The key never appears in the message.
 */
export async function checkLlmEndpoint(config: SluiceConfig, timeoutMs = 5000): Promise<string | undefined> {
  const { api_key: apiKey, base_url: baseUrl } = config.openai;
  if (!apiKey) return undefined;
  const url = `${(baseUrl ?? 'https://api.openai.com/v1').replace(/\/+$/, '')}/models`;
  try {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${apiKey}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    if (response.status === 401 || response.status === 403) {
      return `the LLM endpoint ${url} refused the API key (HTTP ${response.status}): check OPENAI_API_KEY`;
    }
    if (response.status >= 500) return `the LLM endpoint ${url} answered HTTP ${response.status}`;
    // Some OpenAI-compatible servers have no /models (404): they are reachable, which is what counts.
    return undefined;
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : (error as Error).message;
    return `the LLM endpoint ${url} is not reachable: ${reason} (check OPENAI_BASE_URL)`;
  }
}
