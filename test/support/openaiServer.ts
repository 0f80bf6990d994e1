/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 for tests, benchmarks and `npm run test-server`:
 * `POST /v1/chat/completions` (JSON, or SSE with `stream: true`), `GET /v1/models`, and faults on
 * demand (latency, 429 with Retry-After, 500, hangs, dropped connections, malformed JSON) drawn from
 * a seeded PRNG so a failing test can be replayed exactly.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { seededRandom } from '../../src/core/random';

export interface FaultPlan {
  /** Added to every response. */
  latencyMs?: number;
  jitterMs?: number;
  /** Share of requests answered 429 with `Retry-After: retryAfterS` (default 1). */
  rate429?: number;
  retryAfterS?: number;
  rate500?: number;
  rateHang?: number;
  rateDrop?: number;
  rateMalformed?: number;
  /** Faults are drawn from a seeded PRNG: reproducible. */
  seed?: number;
  /** The first N requests, in order, before the rates apply. */
  script?: Array<'ok' | '429' | '500' | 'hang' | 'drop' | 'malformed'>;
}

export interface RecordedRequest {
  model: string;
  messages: { role: string; content: string }[];
  stream: boolean;
  headers: Record<string, string>;
  body: unknown;
}

export interface TestServer {
  /** Base URL including /v1, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  port: number;
  /** Every chat completion request received (including faulted ones). */
  requests: RecordedRequest[];
  setFaults(f: FaultPlan): void;
  stop(): Promise<void>;
}

/** The assistant's answer text for a request. */
export type Respondent = (req: RecordedRequest) => string;

export type FaultKind = 'ok' | '429' | '500' | 'hang' | 'drop' | 'malformed';

export interface TestServerOptions {
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  faults?: FaultPlan;
  /** Advertised by /v1/models; when given, other model names get a 404 like a real endpoint. */
  models?: string[];
  respondent?: Respondent;
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string;
}

/** Deterministic default answer: a Likert digit 1..5 from a hash of the conversation. */
export const defaultRespondent: Respondent = (req) => {
  let h = 2166136261;
  const text = req.model + JSON.stringify(req.messages);
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return String(((h >>> 0) % 5) + 1);
};

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : '')).join('');
  }
  return '';
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Starts the server; resolves once it listens. */
export function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const host = opts.host ?? '127.0.0.1';
  const respondent = opts.respondent ?? defaultRespondent;
  const requests: RecordedRequest[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let faults: FaultPlan = {};
  let random = seededRandom(0);
  let scriptIndex = 0;
  let completionCounter = 0;

  const setFaults = (f: FaultPlan): void => {
    faults = { ...f };
    random = seededRandom(f.seed ?? 1);
    scriptIndex = 0;
  };
  setFaults(opts.faults ?? {});

  const drawFault = (): FaultKind => {
    const script = faults.script;
    if (script && scriptIndex < script.length) return script[scriptIndex++]!;
    const u = random();
    let edge = 0;
    for (const [kind, rate] of [
      ['429', faults.rate429],
      ['500', faults.rate500],
      ['hang', faults.rateHang],
      ['drop', faults.rateDrop],
      ['malformed', faults.rateMalformed],
    ] as const) {
      edge += rate ?? 0;
      if (u < edge) return kind;
    }
    return 'ok';
  };

  const later = (ms: number, fn: () => void): void => {
    if (ms <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const modelsList = (): unknown => ({
    object: 'list',
    data: (opts.models ?? ['test-model']).map((id) => ({ id, object: 'model', created: 0, owned_by: 'dilemma-lens-test-server' })),
  });

  const handleCompletion = (req: http.IncomingMessage, res: http.ServerResponse, raw: string): void => {
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      sendJson(res, 400, { error: { message: 'Request body is not a JSON object', type: 'invalid_request_error' } });
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const messages = Array.isArray(body.messages)
      ? body.messages.map((m: unknown) => {
          const msg = (m ?? {}) as { role?: unknown; content?: unknown };
          return { role: typeof msg.role === 'string' ? msg.role : '', content: contentText(msg.content) };
        })
      : [];
    const recorded: RecordedRequest = { model: typeof body.model === 'string' ? body.model : '', messages, stream: body.stream === true, headers, body };
    requests.push(recorded);

    if (opts.apiKey !== undefined && headers.authorization !== `Bearer ${opts.apiKey}`) {
      sendJson(res, 401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } });
      return;
    }
    if (opts.models && !opts.models.includes(recorded.model)) {
      sendJson(res, 404, { error: { message: `The model '${recorded.model}' does not exist`, type: 'invalid_request_error', code: 'model_not_found' } });
      return;
    }
    if (messages.length === 0) {
      sendJson(res, 400, { error: { message: "'messages' must be a non-empty array", type: 'invalid_request_error' } });
      return;
    }

    const fault = drawFault();
    const delay = (faults.latencyMs ?? 0) + (faults.jitterMs ? random() * faults.jitterMs : 0);
    if (fault === 'hang') return; // never answers; the client's timeout or abort ends it, or stop()
    later(delay, () => {
      if (res.destroyed) return;
      switch (fault) {
        case 'drop':
          req.socket.destroy();
          return;
        case '429':
          sendJson(res, 429, { error: { message: 'Rate limit reached (test server)', type: 'rate_limit_error' } }, { 'retry-after': String(faults.retryAfterS ?? 1) });
          return;
        case '500':
          sendJson(res, 500, { error: { message: 'Internal error (test server)', type: 'server_error' } });
          return;
        case 'malformed': {
          const text = '{"id":"chatcmpl-broken","choices":[{"message":{"content":"unterminated';
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
          res.end(text);
          return;
        }
        case 'ok':
          answer(res, recorded, body);
      }
    });
  };

  const answer = (res: http.ServerResponse, recorded: RecordedRequest, body: Record<string, unknown>): void => {
    let text: string;
    try {
      text = respondent(recorded);
    } catch (error) {
      sendJson(res, 500, { error: { message: `respondent failed: ${(error as Error).message}`, type: 'server_error' } });
      return;
    }
    const id = `chatcmpl-test-${++completionCounter}`;
    const created = Math.floor(Date.now() / 1000);
    const promptTokens = estimateTokens(recorded.messages.map((m) => m.content).join('\n'));
    const completionTokens = estimateTokens(text);
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    if (!recorded.stream) {
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: recorded.model,
        choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null }],
        usage,
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunk = (delta: Record<string, unknown>, finish: string | null): string =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: recorded.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    let out = chunk({ role: 'assistant', content: '' }, null);
    const step = Math.max(1, Math.ceil(text.length / 3));
    for (let i = 0; i < text.length; i += step) out += chunk({ content: text.slice(i, i + step) }, null);
    out += chunk({}, 'stop');
    const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
    if (streamOptions?.include_usage === true) {
      out += `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: recorded.model, choices: [], usage })}\n\n`;
    }
    out += 'data: [DONE]\n\n';
    res.end(out);
  };

  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && (url === '/v1/models' || url === '/models')) {
      sendJson(res, 200, modelsList());
      return;
    }
    if (req.method === 'GET' && url === '/health') {
      sendJson(res, 200, { ok: true });
      return;
    }
    if (req.method === 'POST' && (url === '/v1/chat/completions' || url === '/chat/completions')) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handleCompletion(req, res, Buffer.concat(chunks).toString('utf8')));
      return;
    }
    sendJson(res, 404, { error: { message: `No route for ${req.method} ${url}`, type: 'invalid_request_error' } });
  });
  server.keepAliveTimeout = 30_000;

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      const hostInUrl = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${hostInUrl}:${port}/v1`,
        port,
        requests,
        setFaults,
        stop: () =>
          new Promise<void>((done) => {
            for (const t of timers) clearTimeout(t);
            timers.clear();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
