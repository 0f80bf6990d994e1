import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ModelError } from '../../../src/core/models/chatModel';
import { OpenAICompatibleModel, parseRetryAfter, PLACEHOLDER_API_KEY, scrubSecret } from '../../../src/core/models/openaiModel';
import type { TestServer } from '../../support/openaiServer';
import { startTestServer } from '../../support/openaiServer';
import { bound } from '../../support/slowdown';

const KEY = 'sk-test-SECRET-0123456789abcdef';

async function failure(p: Promise<unknown>): Promise<ModelError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof ModelError, `expected a ModelError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('OpenAICompatibleModel against the test server', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ respondent: (req) => `echo:${req.messages.at(-1)?.content ?? ''}` });
  });
  afterEach(async () => {
    await server.stop();
  });

  const model = (extra: Partial<ConstructorParameters<typeof OpenAICompatibleModel>[0]> = {}): OpenAICompatibleModel =>
    new OpenAICompatibleModel({ provider: 'test', model: 'm1', baseUrl: server.url, apiKey: KEY, ...extra });

  it('sends one request with the parameters and reads text and usage', async () => {
    const m = model({ headers: { 'x-team': 'lens' } });
    const res = await m.complete({
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'How much? Answer 1-5.' },
      ],
      temperature: 0.7,
      seed: 42,
      maxTokens: 16,
    });
    assert.equal(res.text, 'echo:How much? Answer 1-5.');
    assert.equal(res.finishReason, 'stop');
    assert.ok(res.usage && res.usage.promptTokens > 0 && res.usage.completionTokens > 0);
    assert.equal(server.requests.length, 1);
    const req = server.requests[0]!;
    assert.equal(req.model, 'm1');
    assert.equal(req.stream, false);
    assert.deepEqual(req.messages.map((x) => x.role), ['system', 'user']);
    const body = req.body as Record<string, unknown>;
    assert.equal(body.temperature, 0.7);
    assert.equal(body.seed, 42);
    assert.equal(body.max_tokens, 16);
    assert.equal(body.response_format, undefined);
    assert.equal(req.headers['x-team'], 'lens');
    assert.equal(req.headers.authorization, `Bearer ${KEY}`);
    assert.equal(req.headers['x-stainless-retry-count'], '0');
    assert.equal(m.id, 'test/m1');
    assert.equal(m.origin, new URL(server.url).origin);
  });

  it('asks for strict JSON-schema output only when the endpoint supports it', async () => {
    const schema = { name: 'answer', schema: { type: 'object', properties: { answer: { type: 'integer' } }, required: ['answer'], additionalProperties: false } };
    await model({ supportsStructuredOutput: true }).complete({ messages: [{ role: 'user', content: 'q' }], responseSchema: schema });
    await model({ supportsStructuredOutput: false }).complete({ messages: [{ role: 'user', content: 'q' }], responseSchema: schema });
    const [withSchema, without] = server.requests.map((r) => r.body as Record<string, unknown>);
    assert.deepEqual(withSchema!.response_format, { type: 'json_schema', json_schema: { name: 'answer', schema: schema.schema, strict: true } });
    assert.equal(without!.response_format, undefined);
  });

  it('sends a placeholder key when the provider needs none', async () => {
    await model({ apiKey: undefined }).complete({ messages: [{ role: 'user', content: 'q' }] });
    assert.equal(server.requests[0]!.headers.authorization, `Bearer ${PLACEHOLDER_API_KEY}`);
  });

  it('classifies a 429 as rate-limit with Retry-After in ms', async () => {
    server.setFaults({ script: ['429'], retryAfterS: 2 });
    const e = await failure(model().complete({ messages: [{ role: 'user', content: 'q' }] }));
    assert.equal(e.kind, 'rate-limit');
    assert.equal(e.status, 429);
    assert.equal(e.retryAfterMs, 2000);
    assert.equal(e.retryable, true);
    assert.equal(server.requests.length, 1, 'the adapter itself never retries');
  });

  it('classifies a 500 as server', async () => {
    server.setFaults({ script: ['500'] });
    const e = await failure(model().complete({ messages: [{ role: 'user', content: 'q' }] }));
    assert.equal(e.kind, 'server');
    assert.equal(e.status, 500);
  });

  it('classifies a hang as timeout within the per-request timeout', async () => {
    server.setFaults({ script: ['hang'] });
    const t0 = Date.now();
    const e = await failure(model().complete({ messages: [{ role: 'user', content: 'q' }], timeoutMs: 150 }));
    const elapsed = Date.now() - t0;
    assert.equal(e.kind, 'timeout');
    assert.ok(elapsed >= 140 && elapsed < bound(1000), `timed out after ${elapsed} ms`);
  });

  it('classifies a dropped connection as network', async () => {
    server.setFaults({ script: ['drop'] });
    const e = await failure(model().complete({ messages: [{ role: 'user', content: 'q' }] }));
    assert.equal(e.kind, 'network');
  });

  it('classifies an unparseable body as malformed', async () => {
    server.setFaults({ script: ['malformed'] });
    const e = await failure(model().complete({ messages: [{ role: 'user', content: 'q' }] }));
    assert.equal(e.kind, 'malformed');
  });

  it('classifies a refused connection as network', async () => {
    const port = server.port;
    await server.stop();
    const e = await failure(new OpenAICompatibleModel({ provider: 'x', model: 'm', baseUrl: `http://127.0.0.1:${port}/v1` }).complete({ messages: [{ role: 'user', content: 'q' }] }));
    assert.equal(e.kind, 'network');
    assert.match(e.message, /ECONNREFUSED/);
    server = await startTestServer();
  });

  it('rejects as aborted promptly when the caller aborts mid-request', async () => {
    server.setFaults({ latencyMs: 5000 });
    const controller = new AbortController();
    const pending = model().complete({ messages: [{ role: 'user', content: 'q' }], signal: controller.signal });
    await new Promise((r) => setTimeout(r, 30));
    const t0 = Date.now();
    controller.abort();
    const e = await failure(pending);
    assert.equal(e.kind, 'aborted');
    assert.ok(Date.now() - t0 < bound(200), `took ${Date.now() - t0} ms`);
  });

  it('never builds a request for an already aborted signal', async () => {
    const e = await failure(model().complete({ messages: [{ role: 'user', content: 'q' }], signal: AbortSignal.abort() }));
    assert.equal(e.kind, 'aborted');
    assert.equal(server.requests.length, 0);
  });
});

describe('OpenAICompatibleModel status mapping and key hygiene', () => {
  it('maps 401 to auth and 404 to not-found against the real server', async () => {
    const server = await startTestServer({ apiKey: 'right-key', models: ['known'] });
    try {
      const wrong = new OpenAICompatibleModel({ provider: 'p', model: 'known', baseUrl: server.url, apiKey: KEY });
      const auth = await failure(wrong.complete({ messages: [{ role: 'user', content: 'q' }] }));
      assert.equal(auth.kind, 'auth');
      assert.equal(auth.retryable, false);
      const unknown = new OpenAICompatibleModel({ provider: 'p', model: 'nope', baseUrl: server.url, apiKey: 'right-key' });
      const nf = await failure(unknown.complete({ messages: [{ role: 'user', content: 'q' }] }));
      assert.equal(nf.kind, 'not-found');
      assert.match(nf.message, /p\/nope/);
    } finally {
      await server.stop();
    }
  });

  it('scrubs the key when an endpoint echoes it back in an error', async () => {
    // Some gateways quote the credential they rejected; that text must not reach a log.
    const echo = http.createServer((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Invalid key ${String(req.headers.authorization)} (raw ${KEY})` } }));
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    try {
      const port = (echo.address() as AddressInfo).port;
      const m = new OpenAICompatibleModel({ provider: 'gw', model: 'm', baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: KEY });
      const e = await failure(m.complete({ messages: [{ role: 'user', content: 'q' }] }));
      assert.equal(e.kind, 'auth');
      assert.ok(!e.message.includes(KEY), e.message);
      assert.ok(!e.message.includes('SECRET'), e.message);
      assert.ok(!JSON.stringify(m).includes('SECRET'), 'a serialised model carries no key');
    } finally {
      await new Promise((r) => echo.close(r));
    }
  });

  it('times out a body that starts and never ends (the SDK timeout stops at the headers)', async () => {
    const stall = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"x","choices":[');
    });
    await new Promise<void>((r) => stall.listen(0, '127.0.0.1', r));
    try {
      const m = new OpenAICompatibleModel({ provider: 'slow', model: 'm', baseUrl: `http://127.0.0.1:${(stall.address() as AddressInfo).port}/v1` });
      const t0 = Date.now();
      const e = await failure(m.complete({ messages: [{ role: 'user', content: 'q' }], timeoutMs: 150 }));
      assert.equal(e.kind, 'timeout');
      assert.ok(Date.now() - t0 < bound(1000));
    } finally {
      stall.closeAllConnections();
      await new Promise((r) => stall.close(r));
    }
  });

  it('reads Retry-After as seconds, HTTP date, or retry-after-ms', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    assert.equal(parseRetryAfter(h({ 'retry-after': '3' })), 3000);
    assert.equal(parseRetryAfter(h({ 'retry-after': '0.25' })), 250);
    assert.equal(parseRetryAfter(h({ 'retry-after-ms': '40', 'retry-after': '3' })), 40);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter(h({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now), 5000);
    assert.equal(parseRetryAfter(h({ 'retry-after': 'soon' })), undefined);
    assert.equal(parseRetryAfter(h({})), undefined);
  });

  it('scrubSecret removes the key and bearer tokens', () => {
    assert.equal(scrubSecret(`a ${KEY} b`, KEY), 'a *** b');
    assert.equal(scrubSecret('Authorization: Bearer abc.def'), 'Authorization: Bearer ***');
    assert.equal(scrubSecret('key sk-abcdefghijkl'), 'key sk-***');
  });
});
