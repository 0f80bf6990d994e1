import * as assert from 'node:assert/strict';
import { ModelError, type ChatModel } from '../../../src/core/models/chatModel';
import { OpenAICompatibleModel } from '../../../src/core/models/openaiModel';
import { tracedModel } from '../../../src/core/view/tracedModel';
import { startTestServer } from '../../support/openaiServer';

const KEY = 'sk-trace-test-0123456789abcdef';

function sink(): { lines: string[]; trace(l: string): void; warn(l: string): void } {
  const lines: string[] = [];
  return { lines, trace: (l) => lines.push(`trace ${l}`), warn: (l) => lines.push(`warn ${l}`) };
}

describe('request traces', () => {
  it('writes one line per request against a real endpoint, and never the key', async () => {
    const server = await startTestServer({ apiKey: KEY });
    try {
      const log = sink();
      const ok = tracedModel(new OpenAICompatibleModel({ provider: 'p', model: 'm', baseUrl: server.url, apiKey: KEY }), log, KEY);
      await ok.complete({ messages: [{ role: 'user', content: 'Answer with a number from 1 to 7.' }] });
      const refused = tracedModel(new OpenAICompatibleModel({ provider: 'p', model: 'm', baseUrl: server.url, apiKey: `${KEY}-wrong` }), log, `${KEY}-wrong`);
      await assert.rejects(refused.complete({ messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => e instanceof ModelError && e.kind === 'auth');
      assert.equal(log.lines.length, 2);
      assert.match(log.lines[0]!, /^trace p\/m 1 msg -> \d+ ms, \d+ chars/);
      assert.match(log.lines[1]!, /^warn p\/m 1 msg -> auth after \d+ ms/);
      assert.equal(server.requests[0]!.headers.authorization, `Bearer ${KEY}`, 'the key did reach the endpoint');
      for (const l of log.lines) assert.ok(!l.includes(KEY), l);
    } finally {
      await server.stop();
    }
  });

  it('scrubs a key that an error message carries', async () => {
    const leaky: ChatModel = { id: 'p/m', provider: 'p', supportsSystemPrompt: true, supportsStructuredOutput: false, origin: 'http://x',
      complete: () => Promise.reject(new ModelError('server', `upstream said: bad key ${KEY} (Bearer ${KEY})`)) };
    const log = sink();
    await assert.rejects(tracedModel(leaky, log, KEY).complete({ messages: [] }));
    assert.ok(!log.lines[0]!.includes(KEY) && log.lines[0]!.includes('***'), log.lines[0]);
  });
});
