import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { scenarioHash } from '../../src/core/run/engine';
import { RUN_LOG_VERSION, type RunHeader, type SessionRecord } from '../../src/core/run/record';
import { parseScenario } from '../../src/core/scenario/parse';
import { ResultsStore } from '../../src/editor/resultsStore';

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
