import * as assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { TestServer } from '../../support/openaiServer';
import { startTestServer } from '../../support/openaiServer';
import { bound } from '../../support/slowdown';

type Outcome = number | 'dropped' | 'hung';

/** One raw request; reports the status, or how it failed. */
async function outcome(server: TestServer, content = 'q', timeoutMs = 300): Promise<Outcome> {
  try {
    const res = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content }] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (res.status === 200) {
      try {
        JSON.parse(text);
      } catch {
        return -1; // malformed body
      }
    }
    return res.status;
  } catch (error) {
    return (error as Error).name === 'TimeoutError' ? 'hung' : 'dropped';
  }
}

describe('test server: protocol', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ models: ['alpha', 'beta'], respondent: (req) => `You said: ${req.messages.at(-1)?.content ?? ''}` });
  });
  after(async () => server.stop());
  beforeEach(() => server.requests.splice(0));

  const client = (): OpenAI => new OpenAI({ baseURL: server.url, apiKey: 'k', maxRetries: 0 });

  it('listens on 127.0.0.1 with a /v1 base URL', () => {
    assert.equal(server.url, `http://127.0.0.1:${server.port}/v1`);
  });

  it('answers a non-streaming completion with usage', async () => {
    const res = await client().chat.completions.create({ model: 'alpha', messages: [{ role: 'user', content: 'hello there' }] });
    assert.equal(res.choices[0]!.message.content, 'You said: hello there');
    assert.equal(res.object, 'chat.completion');
    assert.ok(res.usage!.prompt_tokens > 0 && res.usage!.total_tokens === res.usage!.prompt_tokens + res.usage!.completion_tokens);
    assert.equal(server.requests[0]!.stream, false);
  });

  it('streams SSE deltas that reassemble into the same answer, with a usage chunk on request', async () => {
    const stream = await client().chat.completions.create({
      model: 'beta',
      messages: [{ role: 'user', content: 'stream me a longer sentence please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let deltas = 0;
    let finish: string | null = null;
    let usage: unknown;
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      if (c?.delta?.content) {
        text += c.delta.content;
        deltas++;
      }
      if (c?.finish_reason) finish = c.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, 'You said: stream me a longer sentence please');
    assert.ok(deltas >= 2, `${deltas} deltas`);
    assert.equal(finish, 'stop');
    assert.ok(usage);
    assert.equal(server.requests[0]!.stream, true);
  });

  it('lists its models and refuses unknown ones with 404', async () => {
    const ids: string[] = [];
    for await (const m of client().models.list()) ids.push(m.id);
    assert.deepEqual(ids, ['alpha', 'beta']);
    await assert.rejects(client().chat.completions.create({ model: 'gamma', messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => e instanceof OpenAI.NotFoundError);
  });

  it('records model, messages, stream flag, headers and body', async () => {
    await client().chat.completions.create({ model: 'alpha', temperature: 0.3, messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }] }, { headers: { 'x-probe': 'yes' } });
    const r = server.requests[0]!;
    assert.equal(r.model, 'alpha');
    assert.deepEqual(r.messages, [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }]);
    assert.equal(r.headers['x-probe'], 'yes');
    assert.equal((r.body as { temperature: number }).temperature, 0.3);
  });
});

describe('test server: faults', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => server.stop());

  it('plays the script in order, then the rates, and records faulted requests too', async () => {
    server.setFaults({ script: ['500', '429', 'malformed', 'drop', 'hang', 'ok'], retryAfterS: 3 });
    const got: Outcome[] = [];
    for (let i = 0; i < 7; i++) got.push(await outcome(server, `r${i}`));
    assert.deepEqual(got, [500, 429, -1, 'dropped', 'hung', 200, 200]);
    assert.equal(server.requests.length, 7);
    assert.deepEqual(server.requests.map((r) => r.messages[0]!.content), ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
  });

  it('sends Retry-After with a 429', async () => {
    server.setFaults({ script: ['429'], retryAfterS: 7 });
    const res = await fetch(`${server.url}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }) });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '7');
  });

  it('draws faults from a seeded PRNG: the same seed gives the same sequence', async () => {
    const plan = { rate429: 0.2, rate500: 0.2, rateMalformed: 0.2, seed: 99 };
    const run = async (): Promise<Outcome[]> => {
      server.setFaults(plan);
      const out: Outcome[] = [];
      for (let i = 0; i < 40; i++) out.push(await outcome(server));
      return out;
    };
    const a = await run();
    const b = await run();
    assert.deepEqual(a, b);
    const count = (o: Outcome): number => a.filter((x) => x === o).length;
    for (const o of [429, 500, -1, 200] as const) assert.ok(count(o) >= 2, `${o} appeared ${count(o)} times in ${a.join(',')}`);
  });

  it('applies the requested rates over many requests', async () => {
    server.setFaults({ rate500: 0.25, seed: 5 });
    const out = await Promise.all(Array.from({ length: 400 }, () => outcome(server, 'q', 10_000)));
    const share = out.filter((o) => o === 500).length / out.length;
    assert.ok(share > 0.18 && share < 0.32, `500 share ${share}`);
  });

  it('adds latency to every response', async () => {
    server.setFaults({ latencyMs: 120 });
    const t0 = performance.now();
    assert.equal(await outcome(server, 'x', 2000), 200);
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 115, `${elapsed} ms`);
  });

  it('stops promptly even with a request hanging', async () => {
    server.setFaults({ script: ['hang'] });
    const pending = outcome(server, 'x', 5000);
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const t0 = performance.now();
    await server.stop();
    assert.ok(performance.now() - t0 < bound(500));
    assert.equal(await pending, 'dropped');
    server = await startTestServer();
  });

  it('answers 401 without the expected bearer key when given one', async () => {
    const locked = await startTestServer({ apiKey: 'k1' });
    try {
      const ok = new OpenAI({ baseURL: locked.url, apiKey: 'k1', maxRetries: 0 });
      await ok.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
      const wrong = new OpenAI({ baseURL: locked.url, apiKey: 'k2', maxRetries: 0 });
      await assert.rejects(wrong.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => e instanceof OpenAI.AuthenticationError);
    } finally {
      await locked.stop();
    }
  });
});
