import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { ModelError } from '../../../src/core/models/chatModel';
import { listModels } from '../../../src/core/models/listModels';
import { OpenAICompatibleModel, redactUrl, scrubSecret } from '../../../src/core/models/openaiModel';
import { resolveProvider } from '../../../src/core/models/providers';
import { pickerItems } from '../../../src/core/view/modelPickerItems';
import { tracedModel } from '../../../src/core/view/tracedModel';
import { startTestServer, type TestServer } from '../../support/openaiServer';

// Issue 11 §6: a password in a base URL (http://user:PASS@host/v1) must not reach any message.
const PASS = 'Pa55-url-s3cret';

async function failure(p: Promise<unknown>): Promise<ModelError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof ModelError, `expected a ModelError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('passwords in base URLs are redacted (issue 11 §6)', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ models: ['m1'] }); });
  after(async () => server.stop());

  const withPass = (url: string): string => url.replace('http://', `http://alice:${PASS}@`);

  it('redactUrl and scrubSecret hide the userinfo of any URL', () => {
    assert.equal(redactUrl(`http://alice:${PASS}@h:1/v1`), 'http://***@h:1/v1');
    assert.equal(scrubSecret(`failed: https://alice:${PASS}@h/v1/chat and http://h/ok`), 'failed: https://***@h/v1/chat and http://h/ok');
    // Percent-encoded characters in the password, and a password alone in the text when the key list names it.
    assert.equal(scrubSecret('x http://a:p%40ss@h/ y'), 'x http://***@h/ y');
    assert.equal(scrubSecret(`pass=${PASS}`, ['sk-key-0123456789', PASS]), 'pass=***');
  });

  it('a chat call to the test server, to a closed port, and via a fetch that quotes the URL never shows the password', async () => {
    const urls = [withPass(server.url), withPass(`http://127.0.0.1:${await closedPort()}/v1`)];
    for (const baseUrl of urls) {
      const m = new OpenAICompatibleModel({ provider: 'p', model: 'm1', baseUrl, timeoutMs: 5000 });
      const e = await failure(m.complete({ messages: [{ role: 'user', content: 'hi' }] }));
      assert.ok(!e.message.includes(PASS), e.message);
      assert.ok(!String(e.stack).includes(PASS), String(e.stack));
    }
    // An endpoint (or proxy) that echoes the URL and the password in its error body.
    const echo: typeof fetch = async (input) => new Response(JSON.stringify({ error: { message: `bad upstream ${String(input)} pass=${PASS}` } }), { status: 500, headers: { 'content-type': 'application/json' } });
    const m = new OpenAICompatibleModel({ provider: 'p', model: 'm1', baseUrl: withPass('http://h.invalid/v1'), fetch: echo });
    const e = await failure(m.complete({ messages: [{ role: 'user', content: 'hi' }] }));
    assert.equal(e.kind, 'server');
    assert.ok(!e.message.includes(PASS), e.message);
    const thrower: typeof fetch = async (input) => { throw new TypeError(`fetch failed for ${String(input)}`); };
    const e2 = await failure(new OpenAICompatibleModel({ provider: 'p', model: 'm1', baseUrl: withPass('http://h.invalid/v1'), fetch: thrower }).complete({ messages: [{ role: 'user', content: 'hi' }] }));
    assert.ok(!e2.message.includes(PASS), e2.message);
  });

  it('the editor\'s trace lines, the model list, the provider check and the model picker never show it', async () => {
    const lines: string[] = [];
    const model = tracedModel(new OpenAICompatibleModel({ provider: 'p', model: 'm1', baseUrl: withPass(server.url) }), { trace: (l) => lines.push(l), warn: (l) => lines.push(l) });
    await failure(model.complete({ messages: [{ role: 'user', content: 'hi' }] }));
    assert.ok(lines.length > 0);
    for (const l of lines) assert.ok(!l.includes(PASS), l);

    const listed = await failure(listModels({ id: 'p', baseUrl: withPass(server.url), headers: {}, structuredOutput: false }, { timeoutMs: 5000 }));
    assert.ok(!listed.message.includes(PASS), listed.message);

    assert.throws(() => resolveProvider('p', { env: {}, baseUrl: `ftp://alice:${PASS}@h/v1` }), (e: Error) => !e.message.includes(PASS) && /not an http\(s\) URL/.test(e.message));

    const items = pickerItems([{ id: 'p', baseUrl: withPass(server.url), models: ['m1'], apiKeyRequired: false }], new Map([['q', listed]]), [], []);
    assert.ok(items.length > 1);
    assert.ok(!JSON.stringify(items).includes(PASS), JSON.stringify(items));
  });
});
