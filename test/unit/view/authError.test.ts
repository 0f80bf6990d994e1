import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelError } from '../../../src/core/models/chatModel';
import { OpenAICompatibleModel } from '../../../src/core/models/openaiModel';
import { resolveModel } from '../../../src/core/models/providers';
import { runScenario } from '../../../src/core/run/engine';
import { createScheduler } from '../../../src/core/run/scheduler';
import { parseScenario } from '../../../src/core/scenario/parse';
import { runErrorPlan, stoppedKind } from '../../../src/core/view/runErrorPlan';
import { startTestServer, type TestServer } from '../../support/openaiServer';
import { SCENARIO } from '../scenario/languageServiceFixture';

// A wrong key against an endpoint that checks it (the test server answers 401 without the right Bearer).
describe('an API key the endpoint refuses', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ apiKey: 'sk-right-0123456789' }); });
  after(() => server.stop());

  it('the editor says the key was refused and offers "Set API key", not "could not be reached" nor an environment variable', async () => {
    const scenario = parseScenario(SCENARIO).scenario!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dilemma-auth-'));
    try {
      const model = new OpenAICompatibleModel({ provider: 'hosted', model: 'm', baseUrl: server.url, apiKey: 'sk-wrong-0123456789' });
      const summary = await runScenario({
        scenario, file: path.join(dir, 'x.dilemma.yaml'), text: SCENARIO, models: [model], runDir: dir, concurrency: 1,
        scheduler: createScheduler({ concurrency: 1, maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, requestTimeoutMs: 10_000 }),
      });
      assert.ok(summary.reason, 'the run stopped with a reason');
      const plan = runErrorPlan({ kind: 'stopped', model: 'hosted/m', provider: 'hosted', errorKind: stoppedKind(summary.reason), reason: summary.reason });
      assert.match(plan.message, /refused the API key of provider "hosted" \(401\)/, plan.message);
      assert.match(plan.message, /secret storage/);
      assert.doesNotMatch(plan.message, /could not be reached|environment variable/, plan.message);
      assert.doesNotMatch(plan.message, /sk-wrong/, 'the key is not in the message');
      assert.deepEqual(plan.fix, { kind: 'setApiKey', label: 'Set API key', provider: 'hosted' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the CLI names the environment variable the key was read from', async () => {
    const model = resolveModel('mylab/m', { env: { MYLAB_API_KEY: 'sk-wrong-0123456789' }, baseUrl: server.url });
    await assert.rejects(model.complete({ messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
      assert.ok(e instanceof ModelError && e.kind === 'auth', String(e));
      assert.match(e.message, /refused the credentials \(401\); check the environment variable MYLAB_API_KEY/, e.message);
      return true;
    });
  });
});
