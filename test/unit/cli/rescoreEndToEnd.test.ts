import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliWorkspace, type CliWorkspace } from '../../support/cliWorkspace';
import { startTestServer, type TestServer } from '../../support/openaiServer';
import { repoPath } from '../../support/paths';
import { scenarioRespondent } from '../../support/respondent';
import { parseScenario } from '../../../src/core/scenario/parse';
import { readRunLog } from '../../../src/core/run/runLog';
import type { SessionRecord } from '../../../src/core/run/record';
import { arbitrate, loadScenario } from '../../../src/lib/arbiter';

/**
 * Re-scoring without re-running (issue 14 section 4) through the real CLI against the test server: one
 * run, then `dilemma analyze --scenario EDITED run.jsonl` with edited analysis-side fields (the rank of
 * the arbitration, an assert's threshold) judges the stored answers by the edited file, and an edited
 * item text (a field that shapes the prompts) is refused with exit 2 naming the field at file:line:col.
 */
describe('cli: re-scoring a stored run with an edited scenario', function () {
  this.timeout(240_000);
  const file = 'health-registry.dilemma.yaml';
  const text = fs.readFileSync(repoPath('examples', file), 'utf8');
  const scenario = parseScenario(text).scenario!;
  const rank = 'rank: [privacy, prosocial, acceptance]';
  const arbitration = text.replace(rank, 'rank: [acceptance, prosocial, privacy]').replace('divergence: { max: 0.2 }', 'divergence: { max: 0.95 }');
  const oldItem = 'I worry about who can see my health records.';
  const newItem = 'I worry a great deal about who can see my health records.';
  const itemEdit = text.replace(oldItem, newItem);
  // Analysis-side only: the expected direction of one value (VAAR, path signs).
  const expectEdit = text.replace('    prosocial: share\n', '    prosocial: decline\n');
  // Prompt-shaping: the order of the blocks, and one variant's own action prompt.
  const orderEdit = text.replace('order: [privacy, prosocial, acceptance, action]', 'order: [acceptance, privacy, prosocial, action]');
  const promptEdit = text.replace('Would you allow {{recipient}}', 'Would you let {{recipient}}');
  let server: TestServer;
  let ws: CliWorkspace;
  let logPath: string;
  let sessions: SessionRecord[];

  before(async () => {
    assert.notEqual(arbitration, text);
    assert.notEqual(itemEdit, text);
    for (const t of [expectEdit, orderEdit, promptEdit]) assert.notEqual(t, text);
    server = await startTestServer({ models: ['sim'], respondent: scenarioRespondent([scenario], { sim: { traits: { privacy: 0.6, prosocial: 0.6, acceptance: 0.6 }, spread: 0.2, action: 'random', seed: 14 } }) });
    ws = cliWorkspace('dl-rescore-', { [file]: text, 'edited-rules.dilemma.yaml': arbitration, 'edited-item.dilemma.yaml': itemEdit, 'edited-expect.dilemma.yaml': expectEdit, 'edited-order.dilemma.yaml': orderEdit, 'edited-prompt.dilemma.yaml': promptEdit }, server.url);
    const r = await ws.run(['run', file, '--model', 'lab/sim', '--no-cache', '--samples', '2', '--format', 'json']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    logPath = JSON.parse(r.stdout).runs[0].logPath;
    sessions = (await readRunLog(logPath)).sessions;
    // 1 model x 5 variants x 3 personas x 2 samples.
    assert.equal(sessions.length, 30);
  });
  after(async () => {
    await server?.stop();
    ws?.dispose();
  });

  /** Sessions the arbiter library (not the analysis) finds divergent under a scenario text: the action is not the implied one. */
  function divergentKeys(scenarioText: string): string[] {
    const arbiter = loadScenario(scenarioText);
    const keys: string[] = [];
    for (const s of sessions) {
      const stated: Record<string, number> = {};
      for (const v of scenario.values) {
        const xs = s.items.filter((i) => i.value === v.name && i.status === 'ok').map((i) => (v.items.find((it) => it.id === i.item)!.reverse ? v.scale!.min + v.scale!.max - i.answer! : i.answer!));
        if (xs.length) stated[v.name] = xs.reduce((a, b) => a + b, 0) / xs.length;
      }
      const d = arbitrate(arbiter, { variant: s.variant, persona: s.persona, stated });
      const choice = s.action?.status === 'ok' ? s.action.choice : undefined;
      if (choice !== undefined && d.decision !== null && choice !== d.decision) keys.push(s.key);
    }
    return keys.sort();
  }
  const divergentIn = (report: { scenarios: { samples: { key: string; divergent: boolean | null }[] }[] }): string[] => report.scenarios[0]!.samples.filter((x) => x.divergent === true).map((x) => x.key).sort();

  it('judges the stored answers by the edited arbitration rule and assert, and says it re-scored', async () => {
    const before = await ws.run(['analyze', logPath, '--format', 'json']);
    assert.ok(before.code === 0 || before.code === 1, before.stderr);
    const original = JSON.parse(before.stdout);
    assert.deepEqual(divergentIn(original), divergentKeys(text));

    const r = await ws.run(['analyze', '--scenario', 'edited-rules.dilemma.yaml', logPath, '--format', 'json']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const edited = JSON.parse(r.stdout);
    const expected = divergentKeys(arbitration);
    assert.deepEqual(divergentIn(edited), expected);
    // The reversed rank changes what is implied wherever privacy and acceptance are both held: other sessions diverge.
    assert.notDeepEqual(expected, divergentKeys(text));
    assert.ok(expected.length > 0);
    // The edited assert's threshold is the one checked.
    const a = edited.scenarios[0].asserts.find((x: { metric: string }) => x.metric === 'divergence');
    assert.ok(JSON.stringify(a).includes('0.95'), JSON.stringify(a));
    assert.ok(!JSON.stringify(a).includes('0.2'), JSON.stringify(a));
    assert.match(r.stderr, /re-scored with the edited scenario edited-rules\.dilemma\.yaml/);
    // The text report says so too.
    const t = await ws.run(['analyze', '--scenario', 'edited-rules.dilemma.yaml', logPath]);
    assert.match(t.stdout, /warning: .*re-scored with the edited scenario edited-rules\.dilemma\.yaml: its prompts are the ones the run asked \(checked against the transcripts of 30 sessions\)/);
  });

  it('re-scores an edited expect: the path signs follow the edited file', async () => {
    const r = await ws.run(['analyze', '--scenario', 'edited-expect.dilemma.yaml', logPath, '--format', 'json']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.match(r.stderr, /re-scored with the edited scenario edited-expect\.dilemma\.yaml/);
    const report = JSON.parse(r.stdout);
    // The edited file expects prosocialness to pull towards decline, as privacy does, and acceptance still towards share:
    // whatever choice is the coding's reference, prosocial's expected sign is now privacy's and no longer acceptance's.
    const sign = (rep: { scenarios: { perModel: { pathModel: { ok: boolean; paths: { value: string; expected: number }[] } }[] }[] }, value: string): number => {
      const pm = rep.scenarios[0]!.perModel[0]!.pathModel;
      assert.ok(pm.ok, JSON.stringify(pm));
      return pm.paths.find((x) => x.value === value)!.expected;
    };
    assert.equal(sign(report, 'prosocial'), sign(report, 'privacy'));
    assert.notEqual(sign(report, 'prosocial'), sign(report, 'acceptance'));
    const before = JSON.parse((await ws.run(['analyze', logPath, '--format', 'json'])).stdout);
    assert.equal(sign(before, 'prosocial'), sign(before, 'acceptance'));
    assert.notEqual(sign(before, 'prosocial'), sign(before, 'privacy'));
  });

  it('refuses a changed block order and a variant\'s own action prompt, naming each', async () => {
    const order = await ws.run(['analyze', '--scenario', 'edited-order.dilemma.yaml', logPath]);
    assert.equal(order.code, 2, order.stderr);
    assert.match(order.stderr, /run\.order or run\.shuffle-items shapes the prompts .*the same questions in another order/);
    const prompt = await ws.run(['analyze', '--scenario', 'edited-prompt.dilemma.yaml', logPath]);
    assert.equal(prompt.code, 2, prompt.stderr);
    // The place is the variant's `prompt: |` value (its block indicator), found here in the file.
    const at = promptEdit.lastIndexOf('prompt: |', promptEdit.indexOf('Would you let')) + 'prompt: '.length;
    const line = promptEdit.slice(0, at).split('\n').length;
    const col = at - promptEdit.lastIndexOf('\n', at - 1);
    assert.ok(prompt.stderr.includes(`edited-prompt.dilemma.yaml:${line}:${col}: `), prompt.stderr);
    assert.match(prompt.stderr, /variant reworded: action \(prompt or choices\) shapes the prompts .*session lab\/sim\|reworded\|/);
  });

  it('refuses an edited arbitration rule for a guarded run, whose twins were told the rules as their policy', async () => {
    const run = await ws.run(['run', file, '--guard', '--model', 'lab/sim', '--no-cache', '--samples', '1', '--format', 'json']);
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    const guarded = JSON.parse(run.stdout).runs[0].logPath;
    const r = await ws.run(['analyze', '--scenario', 'edited-rules.dilemma.yaml', guarded]);
    assert.equal(r.code, 2, r.stderr);
    // The place is the scenario's persona template (the system prompt the policy follows): its `persona: |` value.
    const at = arbitration.indexOf('persona: |') + 'persona: '.length;
    const line = arbitration.slice(0, at).split('\n').length;
    assert.ok(r.stderr.includes(`edited-rules.dilemma.yaml:${line}:10: persona or arbitration (the guard's policy) shapes the prompts`), r.stderr);
    assert.match(r.stderr, /\|guard: the system prompt \(with the guarded twin's policy, the arbitration rules\)/);
    // The unchanged file re-scores nothing: the same log analyses without a refusal.
    assert.notEqual((await ws.run(['analyze', guarded])).code, 2);
  });

  it('refuses an edited item text with exit 2, naming the field at file:line:col', async () => {
    const r = await ws.run(['analyze', '--scenario', 'edited-item.dilemma.yaml', logPath, '--format', 'json']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    // Where the new text starts, counted here from the file: line of the offset, column 1-based.
    const at = itemEdit.indexOf(newItem);
    const line = itemEdit.slice(0, at).split('\n').length;
    const col = at - itemEdit.lastIndexOf('\n', at - 1);
    assert.ok(r.stderr.includes(`edited-item.dilemma.yaml:${line}:${col}: values.privacy item pc-health shapes the prompts`), r.stderr);
    assert.match(r.stderr, /run the scenario again/);
    assert.ok(fs.existsSync(path.join(ws.dir, 'edited-item.dilemma.yaml')));
  });
});
