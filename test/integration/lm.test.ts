import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ModelError } from '../../src/core/models/chatModel';
import { readRunLog } from '../../src/core/run/runLog';
import { parseScenario } from '../../src/core/scenario/parse';
import { renderVariant } from '../../src/core/scenario/render';
import type { Scenario } from '../../src/core/scenario/model';
import { LM_PROVIDER } from '../../src/core/view/providerEntries';
import { LanguageModelChat } from '../../src/editor/lmModel';
import type { DilemmaLensApi } from '../../src/extension';
import { startTestServer, type TestServer } from '../support/openaiServer';
import { scenarioRespondent } from '../support/respondent';
import { bound, openWorkspaceFile, waitFor } from './support';

// The launcher (test/e2e/exthost.mjs) loads test/e2e/lmProvider, a test-only extension that offers one
// model through VS Code's Language Model API (code-server offers none) and forwards each request to
// an OpenAI-compatible test server. These tests start that server here, in the extension host, so they
// can read what reached it. Without the provider (e.g. another launcher) they are skipped, never passed.
const LM_EXTENSION = process.env.DILEMMA_TEST_LM_EXTENSION ?? '';
const SERVER_MODEL = 'sim-lm-respondent';

interface LmProviderExports {
  vendor: string;
  modelId: string;
  useServer(baseUrl: string, model?: string): void;
}

async function dilemmaLens(): Promise<DilemmaLensApi> {
  const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'dilemma-lens');
  assert.ok(ext, 'the extension is loaded');
  return (await ext.activate()) as DilemmaLensApi;
}

describe('VS Code language models (vscode.lm) as run targets', function () {
  this.timeout(bound(120_000));
  let dl: DilemmaLensApi;
  let lm: LmProviderExports;
  let server: TestServer;
  let scenario: Scenario;
  let uri: vscode.Uri;

  before(async function () {
    if (!LM_EXTENSION) this.skip(); // this launcher loads no language model provider
    const ext = vscode.extensions.getExtension<LmProviderExports>(LM_EXTENSION);
    assert.ok(ext, `the test language model extension ${LM_EXTENSION} is installed`);
    lm = await ext.activate();
    dl = await dilemmaLens();
    const scenarios: Scenario[] = [];
    for (const f of await vscode.workspace.findFiles('*.dilemma.yaml')) {
      const s = parseScenario(Buffer.from(await vscode.workspace.fs.readFile(f)).toString('utf8')).scenario;
      if (s) scenarios.push(s);
    }
    const traits: Record<string, number> = {};
    for (const s of scenarios) s.values.forEach((v, i) => { traits[v.name] ??= i % 2 ? 0.35 : 0.7; });
    server = await startTestServer({
      models: [SERVER_MODEL],
      respondent: scenarioRespondent(scenarios, { [SERVER_MODEL]: { traits, spread: 0.1, action: 'aligned', unparsedRate: 0, refusalRate: 0, seed: 5 } }),
    });
    lm.useServer(server.url, SERVER_MODEL);
    const editor = await openWorkspaceFile('**/contact-tracing.dilemma.yaml');
    uri = editor.document.uri;
    const parsed = parseScenario(editor.document.getText()).scenario;
    assert.ok(parsed && parsed.persona && parsed.personas.length > 0, 'the example has personas, so a system prompt to move');
    scenario = parsed;
  });

  after(async () => {
    await server?.stop();
    // Close the editor this suite opened, so the next suite's decorations see only its own file.
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri?.toString());
    if (doc) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  });

  it('selectChatModels finds the model the provider registers', async () => {
    const models = await waitFor(async () => {
      const found = await vscode.lm.selectChatModels({ vendor: lm.vendor });
      return found.length > 0 ? found : undefined;
    }, `a language model of vendor ${lm.vendor}`);
    assert.deepEqual(models.map((m) => m.id), [lm.modelId]);
  });

  it('lists it in the model picker, marked as taking no system prompt', async () => {
    const [model] = await vscode.lm.selectChatModels({ vendor: lm.vendor, id: lm.modelId });
    assert.ok(model);
    const items = await dl.picker.items();
    const item = items.find((i) => i.id === `${LM_PROVIDER}/${lm.modelId}`);
    assert.ok(item, `the picker lists ${LM_PROVIDER}/${lm.modelId} among ${items.map((i) => i.id ?? i.label).join(', ')}`);
    assert.equal(item.label, model.name);
    assert.match(item.description ?? '', /no system prompt/);
    const separator = items.findIndex((i) => i.separator && /language models/i.test(i.label));
    assert.ok(separator >= 0 && separator < items.indexOf(item), 'under the language models heading');
  });

  it('runs a variant through it: every session logged, answers read, the persona sent as the first user turn', async () => {
    const variant = scenario.variants[0]!;
    const id = `${LM_PROVIDER}/${lm.modelId}`;
    const before = server.requests.length;
    const outcome = await dl.runs.run({ uri, variant: variant.name, models: [id] });
    assert.ok(outcome, `the run completed (last error: ${dl.runs.lastError?.message ?? 'none'})`);
    const { summary } = outcome;
    assert.equal(summary.stopped, undefined);
    assert.equal(summary.planned, scenario.personas.length * scenario.run.samples);
    assert.equal(summary.complete, summary.planned);
    assert.equal(summary.failed, 0);
    const sent = server.requests.slice(before);
    assert.ok(sent.length > 0, 'requests reached the test server');
    assert.equal(sent.length, summary.calls - summary.cachedCalls, 'every uncached call went through the language model to the server');

    const personas = scenario.personas.map((p) => renderVariant(scenario, variant, p).system);
    for (const r of sent) {
      assert.ok(!r.messages.some((m) => m.role === 'system'), 'no system message reaches the model');
      assert.equal(r.messages[0]?.role, 'user');
      assert.ok(personas.includes(r.messages[0]?.content), `the first user turn is a rendered persona: ${r.messages[0]?.content.slice(0, 80)}`);
    }
    const log = await readRunLog(outcome.logFile);
    assert.equal(log.sessions.length, summary.planned);
    for (const s of log.sessions) {
      assert.equal(s.model, id);
      assert.deepEqual(s.transcript?.[0], { role: 'user', content: personas[s.persona] });
      for (const a of [...s.items, s.action]) assert.equal(a?.status, 'ok', `answer read in ${s.key}: ${a?.raw}`);
    }
    assert.ok(outcome.analysis.models.includes(id), `the analysis covers ${id}: ${outcome.analysis.models.join(', ')}`);
  });

  // VS Code 1.100 passes no cancellation to a provider whose request has started, nor ends the stream:
  // before lmModel raced the abort, this call hung until the server stopped.
  it('maps a cancelled request to ModelError "aborted" even when the model never answers', async () => {
    const [model] = await vscode.lm.selectChatModels({ vendor: lm.vendor, id: lm.modelId });
    assert.ok(model);
    server.setFaults({ script: ['hang'] });
    try {
      const chat = new LanguageModelChat(model);
      const abort = new AbortController();
      const before = server.requests.length;
      const pending = chat.complete({ messages: [{ role: 'user', content: 'Is this a question the server will never answer?' }], signal: abort.signal });
      await waitFor(() => server.requests.length > before, 'the request to reach the test server');
      abort.abort();
      const abortedAt = Date.now();
      await assert.rejects(pending, (err: unknown) => err instanceof ModelError && err.kind === 'aborted');
      assert.ok(Date.now() - abortedAt < bound(5_000), `rejected ${Date.now() - abortedAt} ms after the abort`);
    } finally {
      server.setFaults({});
    }
  });
});
