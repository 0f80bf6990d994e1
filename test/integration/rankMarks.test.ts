import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { scenarioHash } from '../../src/core/run/engine';
import { RUN_LOG_VERSION, type RunHeader, type SessionRecord } from '../../src/core/run/record';
import { parseScenario } from '../../src/core/scenario/parse';
import type { DilemmaLensApi } from '../../src/extension';
import { bound, waitFor } from './support';

/**
 * The mark on a `rank` entry the model's revealed order inverts, in a real editor: a run log of the
 * paper's example in which the model holds all three values and shares in 10 of 12 decisions (so
 * prosocialness and acceptance, which pull to share, win 10 of 12 against privacy, declared first).
 */
describe('the inverted rank entry in the editor', function () {
  this.timeout(bound(60_000));
  let dir: string;
  let uri: vscode.Uri;
  let text: string;

  before(async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'dilemma-lens');
    const dl = (await ext!.activate()) as DilemmaLensApi;
    const [example] = await vscode.workspace.findFiles('**/health-registry.dilemma.yaml');
    assert.ok(example, 'the workspace has the health-registry example');
    text = fs.readFileSync(example.fsPath, 'utf8');
    const scenario = parseScenario(text).scenario!;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dilemma-ranks-'));
    const file = path.join(dir, 'health-registry.dilemma.yaml');
    fs.writeFileSync(file, text);
    uri = vscode.Uri.file(file);
    const startedAt = '2026-01-01T00:00:00.000Z';
    const header: RunHeader = { v: RUN_LOG_VERSION, kind: 'run', runId: 'inverted', scenario: scenario.id, file, scenarioHash: scenarioHash(text), models: ['sim/inverted'], variants: ['baseline'], personas: 3, samples: 4, startedAt };
    const sessions: SessionRecord[] = [];
    for (let i = 0; i < 12; i++) {
      const persona = i % 3;
      const sample = Math.floor(i / 3);
      // Every value held: the top of each scale, reverse-worded items at the bottom.
      const items = scenario.values.flatMap((v) => v.items.map((it) => ({ item: it.id, value: v.name, status: 'ok' as const, answer: it.reverse ? v.scale!.min : v.scale!.max, raw: '', latencyMs: 1 })));
      const choice = i < 10 ? 'share' : 'decline';
      sessions.push({ v: RUN_LOG_VERSION, kind: 'session', runId: 'inverted', scenario: scenario.id, key: `sim/inverted|baseline|${persona}|${sample}`, model: 'sim/inverted', variant: 'baseline', persona, sample, status: 'complete', items, action: { status: 'ok', choice, raw: choice, latencyMs: 1 }, latencyMs: 1, usage: { promptTokens: 0, completionTokens: 0 }, startedAt, finishedAt: startedAt });
    }
    fs.mkdirSync(path.join(dir, '.dilemma', 'runs', scenario.id), { recursive: true });
    fs.writeFileSync(path.join(dir, '.dilemma', 'runs', scenario.id, 'inverted.jsonl'), [header, ...sessions].map((x) => JSON.stringify(x)).join('\n') + '\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await dl.results.load(uri, text);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('underlines the privacy entry, ends its line with the values revealed above it, and gives the evidence in the hover', async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'dilemma-lens');
    const dl = (await ext!.activate()) as DilemmaLensApi;
    const applied = await waitFor(() => {
      const a = dl.decorations.appliedTo(uri);
      return a && a.ranks.length > 0 ? a : undefined;
    }, 'the rank mark');
    const rankLine = text.split('\n').findIndex((l) => l.includes('rank: [privacy, prosocial, acceptance]'));
    const column = text.split('\n')[rankLine]!.indexOf('privacy');
    const underline = applied.ranks.find((d) => d.hover !== undefined)!;
    assert.deepEqual([underline.line, underline.startCharacter, underline.endCharacter], [rankLine, column, column + 'privacy'.length]);
    assert.match(underline.hover!, /prosocial won 10 of 12 decisions against privacy where the two pulled apart/);
    assert.match(underline.hover!, /acceptance won 10 of 12 decisions against privacy/);
    const after = applied.ranks.find((d) => d.text !== undefined)!;
    assert.equal(after.line, rankLine);
    assert.match(after.text!, /^revealed below (prosocial, acceptance|acceptance, prosocial) \(inverted\)$/);
  });
});
