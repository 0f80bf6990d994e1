/**
 * `GET /v1/models` of an OpenAI-compatible endpoint: what the model picker offers and how a run
 * checks, before it starts, that the endpoint is reachable and the key accepted.
 */
import OpenAI from 'openai';
import type { ModelError } from './chatModel';
import { classifyError, PLACEHOLDER_API_KEY, urlSecrets } from './openaiModel';
import type { ResolvedProvider } from './providers';

export interface ListModelsOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * The model ids the endpoint advertises, sorted. Rejects with a `ModelError` (`network`, `auth`,
 * `not-found`, ...) whose message names the provider and never contains the key.
 */
export async function listModels(provider: ResolvedProvider, options: ListModelsOptions = {}): Promise<string[]> {
  const client = new OpenAI({
    baseURL: provider.baseUrl,
    apiKey: provider.apiKey || PLACEHOLDER_API_KEY,
    defaultHeaders: provider.headers,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 15_000,
    fetch: options.fetch,
  });
  try {
    const ids: string[] = [];
    for await (const model of client.models.list({ signal: options.signal })) {
      if (model && typeof model.id === 'string') ids.push(model.id);
    }
    return ids.sort();
  } catch (error) {
    const classified: ModelError = classifyError(error, provider.id, [...(provider.apiKey ? [provider.apiKey] : []), ...urlSecrets(provider.baseUrl)]);
    throw classified;
  }
}
