/**
 * The OpenAI-compatible adapter: one `ChatModel` over the `openai` package for OpenAI, Azure OpenAI,
 * Ollama, LM Studio, vLLM and any endpoint speaking `/v1/chat/completions`.
 *
 * It makes exactly one attempt per `complete` call (the SDK's own retries are off: the scheduler owns
 * retries and backoff) and turns every failure into a `ModelError` whose kind the scheduler can act on.
 */
import OpenAI from 'openai';
import type { ChatModel, ChatRequest, ChatResponse } from './chatModel';
import { ModelError } from './chatModel';

/** Sent when a provider needs no key (Ollama, LM Studio): the SDK refuses to start without one. */
export const PLACEHOLDER_API_KEY = 'no-key-required';

/** Generous default so a slow local model is not cut off; the scheduler usually passes its own. */
const DEFAULT_TIMEOUT_MS = 120_000;

/** How to reach one model on one endpoint; built by `resolveModel` from the providers config. */
export interface OpenAICompatibleOptions {
  /** The provider id part of `provider/model`. */
  provider: string;
  /** The model name as the endpoint knows it. */
  model: string;
  /** Base URL including the API prefix, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  /** From the environment only; the placeholder is used when absent. */
  apiKey?: string;
  headers?: Record<string, string>;
  supportsStructuredOutput?: boolean;
  supportsSystemPrompt?: boolean;
  /** Default per-attempt timeout when a request carries none. */
  timeoutMs?: number;
  /** Where the key comes from, named in an auth error (the CLI: "the environment variable OPENAI_API_KEY"). */
  apiKeySource?: string;
  /** For tests: a custom fetch. */
  fetch?: typeof fetch;
}

/** An OpenAI-compatible chat model. */
export class OpenAICompatibleModel implements ChatModel {
  readonly id: string;
  readonly provider: string;
  readonly model: string;
  readonly supportsSystemPrompt: boolean;
  readonly supportsStructuredOutput: boolean;
  readonly origin: string;
  // True private fields: a model that gets logged or serialised must not carry the key along.
  readonly #client: OpenAI;
  /** The key and the base URL's password: scrubbed from every error message. */
  readonly #secret: string[];
  readonly #timeoutMs: number;
  readonly #keySource: string | undefined;

  constructor(options: OpenAICompatibleOptions) {
    this.provider = options.provider;
    this.model = options.model;
    this.id = `${options.provider}/${options.model}`;
    this.supportsSystemPrompt = options.supportsSystemPrompt ?? true;
    this.supportsStructuredOutput = options.supportsStructuredOutput ?? false;
    this.origin = endpointOrigin(options.baseUrl);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#secret = [...(options.apiKey ? [options.apiKey] : []), ...urlSecrets(options.baseUrl)];
    this.#keySource = options.apiKeySource;
    this.#client = new OpenAI({
      baseURL: options.baseUrl,
      apiKey: options.apiKey || PLACEHOLDER_API_KEY,
      defaultHeaders: options.headers,
      maxRetries: 0,
      timeout: this.#timeoutMs,
      fetch: options.fetch,
    });
  }

  async complete(request: ChatRequest): Promise<ChatResponse> {
    const timeoutMs = request.timeoutMs ?? this.#timeoutMs;
    const outer = request.signal;
    if (outer?.aborted) throw new ModelError('aborted', `${this.id}: request aborted before it was sent`);

    // The SDK's own timeout stops once headers arrive; this one also covers a body that never ends.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = (): void => controller.abort();
    outer?.addEventListener('abort', onAbort, { once: true });

    const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
      model: this.model,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    };
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.seed !== undefined) body.seed = request.seed;
    if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
    if (request.responseSchema && this.supportsStructuredOutput) {
      body.response_format = {
        type: 'json_schema',
        json_schema: { name: request.responseSchema.name, schema: request.responseSchema.schema, strict: true },
      };
    }

    try {
      const completion = await this.#client.chat.completions.create(body, { signal: controller.signal, timeout: timeoutMs });
      return this.#readCompletion(completion);
    } catch (error) {
      if (timedOut) throw new ModelError('timeout', `${this.id}: no complete answer within ${timeoutMs} ms`, { cause: error });
      if (outer?.aborted) throw new ModelError('aborted', `${this.id}: request aborted`, { cause: error });
      throw classifyError(error, this.id, this.#secret, this.#keySource);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    }
  }

  #readCompletion(completion: unknown): ChatResponse {
    const c = completion as Partial<OpenAI.Chat.ChatCompletion> | null | undefined;
    const choice = c && typeof c === 'object' && Array.isArray(c.choices) ? c.choices[0] : undefined;
    const message = choice?.message;
    if (!message || typeof message !== 'object') {
      throw new ModelError('malformed', `${this.id}: the response has no choices[0].message`);
    }
    // A structured-output refusal arrives in `refusal` with null content; keep it as the answer text.
    const text = typeof message.content === 'string' ? message.content : typeof message.refusal === 'string' ? message.refusal : undefined;
    if (text === undefined) throw new ModelError('malformed', `${this.id}: choices[0].message has no text content`);
    const response: ChatResponse = { text };
    if (choice?.finish_reason) response.finishReason = choice.finish_reason;
    const usage = c?.usage;
    if (usage && typeof usage.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number') {
      response.usage = { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
    }
    return response;
  }
}

/** `scheme://host[:port]` of a base URL, without credentials or path: the cache keys on it. */
export function endpointOrigin(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    throw new ModelError('bad-request', `Invalid base URL "${redactUrl(baseUrl)}": expected something like https://host/v1`);
  }
}

/**
 * A URL as it may be shown: the user name and password of `scheme://user:pass@host` replaced by
 * `***`. Use it wherever a base URL is printed, logged or put in a report.
 */
export function redactUrl(url: string): string {
  return redactUrlCredentials(url);
}

/** Every `scheme://userinfo@` in a text (an error message that quotes a URL) with the userinfo replaced by `***`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]*@/gi, '$1***@');
}

/**
 * The password a base URL carries, as written and decoded, so a message that quotes it without the
 * URL around it is scrubbed too.
 */
export function urlSecrets(baseUrl: string): string[] {
  let pass = '';
  try {
    pass = new URL(baseUrl).password;
  } catch {
    pass = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:([^/?#@]*)@/i.exec(baseUrl)?.[1] ?? '';
  }
  if (!pass) return [];
  const out = new Set([pass]);
  try { out.add(decodeURIComponent(pass)); } catch { /* not percent-encoded */ }
  return [...out];
}

/**
 * Parses `Retry-After` (delta-seconds or an HTTP date) and the non-standard `retry-after-ms`.
 * Returns milliseconds, or undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const raw = headers.get('retry-after');
  if (raw === null || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Maps anything the SDK or fetch throws to a `ModelError`, with the key scrubbed from the message. */
export function classifyError(error: unknown, modelId: string, secret?: string | readonly string[], keySource?: string): ModelError {
  const scrub = (text: string): string => scrubSecret(text, secret);
  if (error instanceof ModelError) return error;
  if (error instanceof OpenAI.APIUserAbortError) {
    return new ModelError('aborted', `${modelId}: request aborted`);
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ModelError('timeout', `${modelId}: the connection timed out`);
  }
  if (error instanceof OpenAI.APIConnectionError) {
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? describeCause(cause) : error.message;
    return new ModelError('network', scrub(`${modelId}: could not reach the endpoint (${detail})`));
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status;
    const detail = scrub(error.message);
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(error.headers);
      return new ModelError('rate-limit', `${modelId}: rate limited (429)${retryAfterMs !== undefined ? `, retry after ${Math.round(retryAfterMs)} ms` : ''}: ${detail}`, { status, retryAfterMs });
    }
    if (status === 401 || status === 403) {
      return new ModelError('auth', `${modelId}: the endpoint refused the credentials (${status}); check ${keySource ?? "the provider's API key"}: ${detail}`, { status });
    }
    if (status === 404) return new ModelError('not-found', `${modelId}: unknown model or endpoint path (404): ${detail}`, { status });
    if (status === 408) return new ModelError('timeout', `${modelId}: the endpoint timed out (408): ${detail}`, { status });
    if (status !== undefined && status >= 500) {
      return new ModelError('server', `${modelId}: server error (${status}): ${detail}`, { status, retryAfterMs: parseRetryAfter(error.headers) });
    }
    if (status !== undefined && status >= 400) return new ModelError('bad-request', `${modelId}: request rejected (${status}): ${detail}`, { status });
    return new ModelError('malformed', `${modelId}: unexpected response: ${detail}`, { status });
  }
  if (error instanceof SyntaxError) {
    return new ModelError('malformed', `${modelId}: the response body is not valid JSON (${scrub(error.message)})`);
  }
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return new ModelError('aborted', `${modelId}: request aborted`);
  }
  // A body cut off mid-read surfaces as a plain TypeError from undici ("terminated").
  if (error instanceof TypeError) {
    return new ModelError('network', scrub(`${modelId}: the connection failed while reading the answer (${describeCause(error)})`));
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ModelError('malformed', scrub(`${modelId}: unexpected failure: ${message}`));
}

function describeCause(error: Error): string {
  const parts = [error.message];
  let cause: unknown = (error as { cause?: unknown }).cause;
  for (let depth = 0; cause instanceof Error && depth < 3; depth++) {
    const code = (cause as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${code}: ${cause.message}` : cause.message);
    cause = (cause as { cause?: unknown }).cause;
  }
  return parts.filter(Boolean).join(': ');
}

/**
 * Removes every occurrence of the key (or keys: also a base URL's user name and password), the
 * userinfo of any URL in the text, and, defensively, anything shaped like a bearer token.
 */
export function scrubSecret(text: string, secret?: string | readonly string[]): string {
  let out = redactUrlCredentials(text);
  const secrets = (typeof secret === 'string' ? [secret] : secret ?? []).filter((x) => x.length >= 4).sort((a, b) => b.length - a.length);
  for (const x of secrets) out = out.split(x).join('***');
  return out.replace(/\b(sk-[A-Za-z0-9_-]{8,})/g, 'sk-***').replace(/(Bearer\s+)[^\s"']+/gi, '$1***');
}
