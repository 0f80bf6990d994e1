import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { scenarioHash } from '../../src/core/run/engine';
import { RUN_LOG_VERSION, type RunHeader, type SessionRecord } from '../../src/core/run/record';
import { parseScenario } from '../../src/core/scenario/parse';
import { ResultsStore } from '../../src/editor/resultsStore';
import { ModelPicker } from '../../src/editor/modelPicker';
import { RepositoryResultsGate } from '../../src/editor/trust';
import { ReportPanels } from '../../src/editor/reportPanel';
import type { DilemmaLensApi } from '../../src/extension';

// Opening a scenario loads its last results from disk (read, then analysed: slow on a busy machine)
// while the person may already have started a run. The store must show the newest results, whatever
// order the two finish in.
describe('the results store when a load and a run overlap', () => {
  let dir: string;
  let text: string;
  let uri: vscode.Uri;
  let header: RunHeader;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dilemma-store-'));
    const [example] = await vscode.workspace.findFiles('**/school-records.dilemma.yaml');
    assert.ok(example, 'the workspace has the school-records example');
    text = fs.readFileSync(example.fsPath, 'utf8');
    const scenario = parseScenario(text).scenario!;
    uri = vscode.Uri.file(path.join(dir, 'school-records.dilemma.yaml'));
    // An earlier run of this very text on disk: one session, which failed.
    header = { v: RUN_LOG_VERSION, kind: 'run', runId: 'earlier-run', scenario: scenario.id, file: uri.fsPath, scenarioHash: scenarioHash(text), models: ['sim/m'], variants: scenario.variants.map((v) => v.name), personas: 1, samples: 1, startedAt: '2026-01-01T00:00:00.000Z' };
    const session: SessionRecord = { v: RUN_LOG_VERSION, kind: 'session', runId: 'earlier-run', scenario: scenario.id, key: `sim/m|${scenario.variants[0]!.name}|0|0`, model: 'sim/m', variant: scenario.variants[0]!.name, persona: 0, sample: 0, status: 'failed', error: 'unreachable', items: [], latencyMs: 1, usage: { promptTokens: 0, completionTokens: 0 }, startedAt: header.startedAt, finishedAt: header.startedAt };
    fs.mkdirSync(path.join(dir, 'runs', scenario.id), { recursive: true });
    fs.writeFileSync(path.join(dir, 'runs', scenario.id, 'earlier-run.jsonl'), `${JSON.stringify(header)}\n${JSON.stringify(session)}\n`);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const newStore = (): ResultsStore => new ResultsStore(() => path.join(dir, 'runs'));

  it('loads the earlier run when nothing else happens', async () => {
    const store = newStore();
    assert.equal((await store.load(uri, text))?.runId, 'earlier-run');
    store.dispose();
  });

  it('keeps a run that began and ended while the earlier run was being read', async () => {
    const store = newStore();
    const loading = store.load(uri, text); // reads the disk asynchronously...
    const scenario = parseScenario(text).scenario!;
    store.begin(uri, scenario, text, { ...header, runId: 'new-run' }, path.join(dir, 'new-run.jsonl'), []); // ...while a run begins
    store.finish(uri); // ...and ends before the read does
    const loaded = await loading;
    assert.equal(store.get(uri)?.runId, 'new-run', 'the earlier run replaced the newer one');
    assert.equal(loaded?.runId, 'new-run');
    store.dispose();
  });
});

// Restricted Mode (the launcher trusts its workspace, so the gate is given an untrusted answer): a
// repository's saved run logs are withheld and offered, and show labelled after the opt-in.
describe('saved results in an untrusted workspace', () => {
  let dir: string;
  let text: string;
  let uri: vscode.Uri;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dilemma-untrusted-'));
    const [example] = await vscode.workspace.findFiles('**/school-records.dilemma.yaml');
    assert.ok(example, 'the workspace has the school-records example');
    text = fs.readFileSync(example.fsPath, 'utf8');
    const scenario = parseScenario(text).scenario!;
    uri = vscode.Uri.file(path.join(dir, 'school-records.dilemma.yaml'));
    // A planted run log: its hash matches the scenario, its session claims a clean answer.
    const header: RunHeader = { v: RUN_LOG_VERSION, kind: 'run', runId: 'planted-run', scenario: scenario.id, file: uri.fsPath, scenarioHash: scenarioHash(text), models: ['sim/m'], variants: scenario.variants.map((v) => v.name), personas: 1, samples: 1, startedAt: '2026-01-01T00:00:00.000Z' };
    const session: SessionRecord = { v: RUN_LOG_VERSION, kind: 'session', runId: 'planted-run', scenario: scenario.id, key: `sim/m|${scenario.variants[0]!.name}|0|0`, model: 'sim/m', variant: scenario.variants[0]!.name, persona: 0, sample: 0, status: 'failed', error: 'planted', items: [], latencyMs: 1, usage: { promptTokens: 0, completionTokens: 0 }, startedAt: header.startedAt, finishedAt: header.startedAt };
    fs.mkdirSync(path.join(dir, 'runs', scenario.id), { recursive: true });
    fs.writeFileSync(path.join(dir, 'runs', scenario.id, 'planted-run.jsonl'), `${JSON.stringify(header)}\n${JSON.stringify(session)}\n`);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('withholds them and offers "Show results from this repository" once; after the opt-in shows them labelled', async () => {
    const gate = new RepositoryResultsGate(() => false);
    const store = new ResultsStore(() => path.join(dir, 'runs'), gate);
    assert.equal(await store.load(uri, text), undefined, 'a planted run log showed in Restricted Mode');
    assert.equal(store.get(uri), undefined);
    assert.ok(gate.lastOffer, 'the opt-in was offered');
    const first = gate.lastOffer;
    await store.load(uri, text);
    assert.equal(gate.lastOffer, first, 'offered once per scenario, not on every load');
    gate.optIn();
    const shown = await store.load(uri, text);
    assert.equal(shown?.runId, 'planted-run');
    assert.equal(shown?.fromRepository, true, 'labelled as from the repository');
    store.dispose();
  });

  it('opens no report of them until the opt-in, then one that says they are from the repository', async () => {
    // Open Report reads the scenario file on disk: write it beside the planted runs.
    fs.writeFileSync(uri.fsPath, text);
    const gate = new RepositoryResultsGate(() => false);
    const panels = new ReportPanels({ extensionUri: vscode.extensions.getExtension('dilemma-lens.dilemma-lens')!.extensionUri, runDirOf: () => path.join(dir, 'runs'), savedResults: gate, register: false });
    try {
      assert.equal(await panels.openReport(uri), undefined, 'a report of planted run logs opened in Restricted Mode');
      assert.equal(panels.panels.length, 0);
      gate.optIn();
      const panel = await panels.openReport(uri);
      assert.ok(panel, 'after the opt-in the report opens');
      // The panel's notes head the report's warnings.
      assert.ok(panel.notes.some((w) => /from the repository \(untrusted\)/.test(w)), JSON.stringify(panel.notes));
    } finally {
      panels.dispose();
    }
  });

  it('shows them as the workspace\'s own when it is trusted', async () => {
    const store = new ResultsStore(() => path.join(dir, 'runs'), new RepositoryResultsGate(() => true));
    const shown = await store.load(uri, text);
    assert.equal(shown?.runId, 'planted-run');
    assert.equal(shown?.fromRepository, undefined);
    store.dispose();
  });

  it('lists no provider\'s models in the picker (no request, no key sent), and says why', async () => {
    let requests = 0;
    const server = http.createServer((_req, res) => { requests += 1; res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"data":[{"id":"m"}]}'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'dilemma-lens')!;
    const dl = (await ext.activate()) as DilemmaLensApi;
    await vscode.workspace.getConfiguration().update('dilemmaLens.providers', [{ id: 'listing', baseUrl: `http://127.0.0.1:${port}/v1`, apiKeyRequired: true }], vscode.ConfigurationTarget.Global);
    await dl.keys.set('listing', 'sk-untrusted-0123456789');
    const log = vscode.window.createOutputChannel('dilemma-untrusted-test', { log: true });
    try {
      const trusted = await new ModelPicker(dl.selection, dl.keys, log, () => true).items();
      assert.ok(trusted.some((i) => i.id === 'listing/m'), 'trusted: the provider\'s models are listed');
      const before = requests;
      const items = await new ModelPicker(dl.selection, dl.keys, log, () => false).items();
      assert.equal(requests, before, 'untrusted: /v1/models was called');
      assert.ok(!items.some((i) => i.id?.startsWith('listing/')), 'untrusted: models listed');
      assert.ok(items.some((i) => /untrusted workspace/.test(i.detail ?? '')), JSON.stringify(items));
    } finally {
      log.dispose();
      await dl.keys.clear('listing');
      await vscode.workspace.getConfiguration().update('dilemmaLens.providers', undefined, vscode.ConfigurationTarget.Global);
      server.close();
    }
  });
});
