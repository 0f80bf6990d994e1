import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoPath } from '../../support/paths';
import { cliWorkspace, type CliWorkspace } from '../../support/cliWorkspace';
import { startTestServer, type TestServer } from '../../support/openaiServer';
import { scenarioRespondent, type RespondentProfile } from '../../support/respondent';
import { parseScenario } from '../../../src/core/scenario/parse';
import type { Scenario } from '../../../src/core/scenario/model';
import { readRunLog } from '../../../src/core/run/runLog';

// The paper's own design as shipped (examples/paper-replication.dilemma.yaml): privacy concern (10
// items) and prosocialness (16 items) as stated values, acceptance of sharing as a scale action with
// four decision prompts (Revision 2's `action.items`), the outcome factor of a multi-group SEM with
// one group per model. Run end to end through the CLI against three simulated profiles.
const EXAMPLE = 'paper-replication.dilemma.yaml';

interface VaarJson { form: string; source: string; model: string; n: number; vaar?: number; failure?: string; paths?: { value: string; estimate: number }[] }

describe('cli: the paper-replication example (action.items, three-group MGSEM)', function () {
  this.timeout(600_000);
  let server: TestServer;
  let ws: CliWorkspace;
  let scenario: Scenario;
  // No unreadable answers, so every session is a complete row of the SEM's listwise data.
  const common = { traits: { privacy: 0.6, prosocial: 0.55 }, spread: 0.25 };
  const profiles: Record<string, RespondentProfile> = {
    'sim-aligned': { ...common, action: 'aligned', seed: 21 },
    'sim-contrary': { ...common, action: 'contrary', seed: 22 },
    'sim-weak': { ...common, action: 'aligned', actionNoise: 0.6, seed: 23 },
  };
  const models = Object.keys(profiles).map((m) => `lab/${m}`);
  const samples = 100;
  let out: any;
  let logPath: string;

  before(async () => {
    const text = fs.readFileSync(repoPath('examples', EXAMPLE), 'utf8');
    scenario = parseScenario(text).scenario!;
    server = await startTestServer({ models: Object.keys(profiles), respondent: scenarioRespondent([scenario], profiles) });
    ws = cliWorkspace('dl-paper-', { [EXAMPLE]: text }, server.url);
    const r = await ws.run(['run', EXAMPLE, ...models.flatMap((m) => ['--model', m]), '--samples', String(samples), '--no-cache', '--format', 'json']);
    // The contrary profile fails the example's VAAR gate: exit 1 is a finding.
    assert.equal(r.code, 1, r.stderr);
    out = JSON.parse(r.stdout);
    logPath = out.runs[0].logPath;
  });
  after(async () => {
    await server?.stop();
    ws?.dispose();
  });

  it('asks every action item in turn and scores the action as the mean of the readable item answers', async () => {
    assert.equal(out.runs[0].complete, models.length * samples);
    const log = await readRunLog(logPath);
    const ids = scenario.action!.items!.map((i) => i.id);
    assert.deepEqual(ids, ['as.registry', 'as.app', 'as.genome', 'as.reuse']);
    for (const s of log.sessions) {
      const a = s.action!;
      assert.deepEqual(a.items!.map((i) => i.item), ids, 'one answer per action item, in file order');
      // Each item was asked as its own user turn, after the 26 questionnaire items.
      const asked = s.transcript!.filter((m) => m.role === 'user').map((m) => m.content);
      assert.equal(asked.length, 26 + 4);
      for (const [k, it] of scenario.action!.items!.entries()) assert.ok(asked[26 + k]!.startsWith(it.text.text.replace(/\{\{.*/s, '').trim()), `${s.key}: item ${it.id} asked last`);
      const read = a.items!.filter((i) => i.status === 'ok').map((i) => i.answer!);
      assert.equal(read.length, 4);
      assert.equal(a.status, 'ok');
      assert.equal(a.score, (read[0]! + read[1]! + read[2]! + read[3]!) / 4);
      for (const x of read) assert.ok(Number.isInteger(x) && x >= 1 && x <= 7);
    }
  });

  it('fits the outcome factor on the action items in a multi-group SEM with one group per model', () => {
    const [analysis] = out.report.scenarios;
    const lm = analysis.latentModel;
    assert.equal(lm.fitted, true, lm.reason);
    assert.deepEqual(lm.groups.map((g: { label: string }) => g.label), models);
    assert.match(lm.syntax, /^F_action =~ as_registry \+ as_app \+ as_genome \+ as_reuse$/m);
    assert.match(lm.syntax, /^F_privacy =~ (pc_\w+ \+ ){9}pc_\w+$/m);
    assert.match(lm.syntax, /^F_prosocial =~ (ps_\w+ \+ ){15}ps_\w+$/m);
    const latent = (model: string): VaarJson => analysis.perModel.find((m: { model: string }) => m.model === model).latent.find((v: VaarJson) => v.form === 'sign');
    // Privacy is expected to lower acceptance and prosocialness to raise it: the aligned profiles follow
    // both, the contrary one reverses both.
    assert.equal(latent('lab/sim-aligned').vaar, 1);
    assert.equal(latent('lab/sim-weak').vaar, 1);
    assert.equal(latent('lab/sim-contrary').vaar, 0);
  });

  it('gives lavaan\'s path estimates on the same item-level data (when R and lavaan are installed)', function () {
    const probe = spawnSync('Rscript', ['-e', 'suppressMessages(library(lavaan))'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) this.skip();
    const csv = spawnSync(process.execPath, [repoPath('dist', 'cli.js'), 'analyze', logPath, '--format', 'csv', '--bootstrap', '10'], { cwd: ws.dir, encoding: 'utf8' });
    // Exit 1: the contrary profile fails the example's VAAR gate; the data are written all the same.
    assert.ok(csv.status === 0 || csv.status === 1, csv.stderr);
    assert.match(csv.stdout, /^group,variant,persona,sample,/);
    const file = path.join(ws.dir, 'items.csv');
    fs.writeFileSync(file, csv.stdout);
    const [analysis] = out.report.scenarios;
    // The engine's syntax, with the outcome factor regressed on the value factors, fitted by lavaan.
    const script = `suppressMessages(library(lavaan)); d <- read.csv('${file}')
f <- sem(${JSON.stringify(analysis.latentModel.syntax)}, data = d, group = 'group')
pe <- parameterEstimates(f); pe <- pe[pe$op == '~', ]
cat(sprintf('%s %d %.10f\\n', pe$rhs, pe$group, pe$est), sep = '')`;
    const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => l.split(' '));
    assert.equal(lines.length, 2 * models.length, r.stdout);
    // lavaan orders the groups as they first appear in the data, which is the run's model order.
    for (const [rhs, group, est] of lines) {
      const model = models[Number(group) - 1]!;
      const v = analysis.perModel.find((m: { model: string }) => m.model === model).latent.find((x: VaarJson) => x.form === 'sign') as VaarJson;
      const p = v.paths!.find((x) => `F_${x.value}` === rhs)!;
      assert.ok(Math.abs(p.estimate - Number(est)) < 1e-3 * Math.max(1, Math.abs(Number(est))), `${model} ${rhs}: ${p.estimate} vs lavaan ${est}`);
    }
  });
});
