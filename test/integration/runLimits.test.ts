import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DilemmaLensApi } from '../../src/extension';
import { readRunLog } from '../../src/core/run/runLog';
import { startTestServer, type TestServer } from '../support/openaiServer';
import { bound, waitFor } from './support';

// The editor's run limits (issue 11 §7): `dilemmaLens.run.timeout` ends a hanging request per attempt
// instead of after the default 60 s, and `dilemmaLens.run.deadline` ends a whole run, keeping what
// finished, labelled partial and resumable. Both against a real OpenAI-wire server on 127.0.0.1 that
// hangs or answers slowly on demand.
const MODEL = 'limits-model';
const scenario = (id: string, recipient: string) => `dilemma: ${id}
values:
  privacy:
    scale: { min: 1, max: 7 }
    items:
      - I worry about who gets my records.
action:
  prompt: Send your records to ${recipient}?
  choices:
    share: Send them
    decline: Keep them
  expect:
    privacy: decline
variants:
  - name: baseline
run:
  samples: 30
`;

async function api(): Promise<DilemmaLensApi> {
  const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'dilemma-lens');
  assert.ok(ext, 'the extension is loaded');
  return (await ext.activate()) as DilemmaLensApi;
}

describe('run limits from the editor settings (timeout per request, deadline per run)', function () {
  this.timeout(bound(120_000));
  let dl: DilemmaLensApi;
  let server: TestServer;
  const files: string[] = [];
  const config = () => vscode.workspace.getConfiguration();
  const settings = ['dilemmaLens.run.timeout', 'dilemmaLens.run.deadline', 'dilemmaLens.run.concurrency'];

  before(async () => {
    dl = await api();
    server = await startTestServer({
      models: [MODEL],
      respondent: (req) => (/Choose one of:/.test(req.messages.at(-1)?.content ?? '') ? 'decline' : '6'),
    });
    // The model is listed, so resolving it asks the server nothing; every request is a chat completion.
    await config().update('dilemmaLens.providers', [{ id: 'limits', baseUrl: server.url, models: [MODEL], apiKeyRequired: false }], vscode.ConfigurationTarget.Global);
  });

  /** A scenario file of its own per test, with its own prompt: no answer of another test comes from the cache. */
  async function open(id: string, recipient: string): Promise<vscode.Uri> {
    const file = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, `${id}.dilemma.yaml`);
    fs.writeFileSync(file, scenario(id, recipient));
    files.push(file);
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    return uri;
  }

  afterEach(async () => {
    server.setFaults({});
    for (const s of settings) await config().update(s, undefined, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await config().update('dilemmaLens.providers', undefined, vscode.ConfigurationTarget.Global);
    await server?.stop();
    for (const file of files) {
      fs.rmSync(file, { force: true });
      fs.rmSync(path.join(path.dirname(file), '.dilemma', 'runs', path.basename(file, '.dilemma.yaml')), { recursive: true, force: true });
    }
  });

  it('dilemmaLens.run.timeout ends each attempt at a hanging endpoint after that many milliseconds, and the retry answers', async () => {
    // The first two requests hang (never answered); every later one is answered at once.
    const uri = await open('run-limits-timeout', 'the registry');
    server.setFaults({ script: ['hang', 'hang'] });
    await config().update('dilemmaLens.run.timeout', 300, vscode.ConfigurationTarget.Global);
    await config().update('dilemmaLens.run.concurrency', 1, vscode.ConfigurationTarget.Global);
    const before = server.requests.length;
    const t0 = Date.now();
    const outcome = await dl.runs.run({ uri, models: [`limits/${MODEL}`] });
    const took = Date.now() - t0;
    assert.ok(outcome, `the run completed (last error: ${dl.runs.lastError?.message ?? 'none'})`);
    assert.equal(outcome.summary.stopped, undefined, JSON.stringify(outcome.summary));
    assert.equal(outcome.summary.complete, outcome.summary.planned, 'the hanging attempts were retried and answered');
    // 30 sessions x 2 calls, and the two hanging attempts asked again.
    assert.equal(server.requests.length - before, outcome.summary.planned * 2 + 2);
    // With the default timeout (60 s) the two hanging attempts alone would take two minutes; here each is
    // cut at 300 ms, plus the retries' back-off (0.5 s, 1 s).
    assert.ok(took < bound(20_000), `the run took ${took} ms`);
  });

  it('dilemmaLens.run.deadline ends a slow run, keeps what finished in the run log, labelled partial', async () => {
    // 30 sessions x 2 calls x 250 ms, one at a time: 15 s; the deadline stops it after 2 s.
    const uri = await open('run-limits-deadline', 'the research registry');
    server.setFaults({ latencyMs: 250 });
    await config().update('dilemmaLens.run.deadline', 2, vscode.ConfigurationTarget.Global);
    await config().update('dilemmaLens.run.concurrency', 1, vscode.ConfigurationTarget.Global);
    const t0 = Date.now();
    const outcome = await dl.runs.run({ uri, models: [`limits/${MODEL}`] });
    const took = Date.now() - t0;
    assert.ok(outcome, `the sessions that finished are an outcome (last error: ${dl.runs.lastError?.message ?? 'none'})`);
    assert.equal(outcome.summary.stopped, 'deadline');
    assert.ok(outcome.summary.notRun > 0 && outcome.summary.complete > 0, JSON.stringify(outcome.summary));
    assert.ok(took < bound(12_000), `stopped after ${took} ms`);
    const log = await readRunLog(outcome.logFile);
    assert.equal(log.sessions.length, outcome.summary.complete + outcome.summary.failed, 'every finished session is in the log');
    assert.equal(log.sessions.length + outcome.summary.notRun, outcome.summary.planned);
    // Its figures are partial on the summary lens, never shown as a complete run.
    const lens = await waitFor(async () => {
      const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
      return all.find((l) => /partial \d+\/\d+/.test(l.command?.title ?? ''));
    }, 'a summary lens labelled partial');
    assert.match(lens.command!.title, new RegExp(`partial ${log.sessions.length}/${outcome.summary.planned}`));
  });
});
