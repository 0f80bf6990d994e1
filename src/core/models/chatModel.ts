/**
 * The port every model sits behind: the OpenAI-compatible adapter (OpenAI, Azure, Ollama, LM Studio,
 * vLLM), VS Code's Language Model API in the editor, and test doubles all implement `ChatModel`.
 * Retries, concurrency and budgets are not the adapter's business: the scheduler owns them, so an
 * adapter makes exactly one attempt per `complete` call and classifies its failure in `ModelError`.
 */
/** One message of a conversation, as sent to a model and kept in a run log's transcript. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Tokens a call used, as the endpoint reports them. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

/** A JSON schema the answer must follow, for endpoints that support structured output. */
export interface ResponseSchema {
  name: string;
  schema: Record<string, unknown>;
}

export interface ChatRequest {
  messages: ChatMessage[];
  temperature?: number;
  seed?: number;
  maxTokens?: number;
  /** Ask for structured output; adapters that cannot honour it ignore it (the text is parsed). */
  responseSchema?: ResponseSchema;
  /** Aborts the request promptly; the adapter rejects with a `ModelError` of kind `aborted`. */
  signal?: AbortSignal;
  /** Per-attempt timeout; the adapter rejects with kind `timeout`. */
  timeoutMs?: number;
}

export interface ChatResponse {
  text: string;
  usage?: Usage;
  finishReason?: string;
}

export interface ChatModel {
  /** `provider/model`, for example `openai/gpt-4o-mini`. */
  readonly id: string;
  readonly provider: string;
  /** Some editor-provided models take no system prompt: the session then sends it as a first user turn. */
  readonly supportsSystemPrompt: boolean;
  readonly supportsStructuredOutput: boolean;
  /** Endpoint origin (for the cache key), e.g. `https://api.openai.com`. Never includes credentials. */
  readonly origin: string;
  complete(request: ChatRequest): Promise<ChatResponse>;
}

export type ModelErrorKind =
  | 'rate-limit' // 429
  | 'server' // 5xx
  | 'timeout'
  | 'network' // refused, reset, dropped connection
  | 'malformed' // a body that is not the protocol
  | 'auth' // 401/403: no or wrong key
  | 'not-found' // unknown model or endpoint path
  | 'bad-request' // other 4xx
  | 'aborted'; // the caller's AbortSignal

const RETRYABLE: ReadonlySet<ModelErrorKind> = new Set(['rate-limit', 'server', 'timeout', 'network', 'malformed']);

/** A classified model failure. Messages never contain API keys. */
export class ModelError extends Error {
  readonly kind: ModelErrorKind;
  readonly status?: number;
  /** From `Retry-After` (seconds or HTTP date), when the server sent one. */
  readonly retryAfterMs?: number;

  constructor(kind: ModelErrorKind, message: string, options: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ModelError';
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Whether another attempt may succeed. */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}
