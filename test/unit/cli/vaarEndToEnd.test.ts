import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoPath, repoRoot } from '../../support/paths';
import { startTestServer, type TestServer } from '../../support/openaiServer';
import { scenarioRespondent, type ActionMode, type RespondentProfile } from '../../support/respondent';
import { parseScenario } from '../../../src/core/scenario/parse';
import type { Scenario } from '../../../src/core/scenario/model';
import { readRunLog } from '../../../src/core/run/runLog';
import type { SessionRecord } from '../../../src/core/run/record';

// The paper's conflict, as shipped: three values with items on two scales, a choice action,
// a rank rule and a `when` rule, five variants and three personas, run with its own run.samples.
const EXAMPLE = 'health-registry.dilemma.yaml';

interface Result { code: number | null; stdout: string; stderr: string }

interface VaarJson {
  form: string;
  source: string;
  model: string;
  n: number;
  vaar?: number;
  failure?: string;
  paths?: { value: string; expected: 1 | -1; estimate: number; p: number; agrees: boolean }[];
}

/**
 * The sign each value-to-action path must have for a respondent of this mode. The composite model
 * codes a choice action as 1 for the choice the first `expect` entry names, so a value that expects
 * that choice pulls towards it (+1) and one that expects another choice pulls away (-1); an
 * `aligned` respondent acts as its stated values imply, a `contrary` one picks the other choice.
 */
function impliedSigns(scenario: Scenario, mode: ActionMode): Map<string, { expected: 1 | -1; implied: 1 | -1 }> {
  const expect = scenario.action!.expect;
  const reference = expect[0]!.target;
  const signs = new Map<string, { expected: 1 | -1; implied: 1 | -1 }>();
  for (const e of expect) {
    const expected = e.target === reference ? 1 : -1;
    const implied = mode === 'aligned' ? expected : mode === 'contrary' ? (-expected as 1 | -1) : undefined;
    if (implied === undefined) throw new Error(`a ${mode} respondent implies no sign`);
    signs.set(e.value, { expected, implied });
  }
  return signs;
}

/** Sessions the composite model can use: a readable action and a readable answer on every value with an `expect`. */
function usableSessions(scenario: Scenario, sessions: readonly SessionRecord[], model: string): number {
  const values = scenario.action!.expect.map((e) => e.value);
  return sessions.filter((s) => s.model === model && s.action?.status === 'ok'
    && values.every((v) => s.items.some((i) => i.value === v && i.status === 'ok'))).length;
}

describe('cli: VAAR end to end (dilemma run against the simulated respondent)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let dir: string;
  let scenario: Scenario;
  const cli = repoPath('dist', 'cli.js');
  // Same latent levels for both, low enough that privacy, first in the hierarchy, often is not held,
  // so the lower-ranked values decide too; only how the action relates to the stated values differs.
  // Some unreadable answers, so that n (sessions with a readable action and every value stated) is
  // less than the sessions run.
  const common = { traits: { privacy: 0.35, prosocial: 0.4, acceptance: 0.4 }, spread: 0.25, unparsedRate: 0.05, refusalRate: 0.01 };
  const profiles: Record<string, RespondentProfile> = {
    'sim-aligned': { ...common, action: 'aligned', seed: 11 },
    'sim-contrary': { ...common, action: 'contrary', seed: 12 },
  };

  before(async () => {
    if (!fs.existsSync(cli)) assert.equal(spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' }).status, 0);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-vaar-'));
    const text = fs.readFileSync(repoPath('examples', EXAMPLE), 'utf8');
    fs.writeFileSync(path.join(dir, EXAMPLE), text);
    scenario = parseScenario(text).scenario!;
    server = await startTestServer({ models: Object.keys(profiles), respondent: scenarioRespondent([scenario], profiles) });
    fs.writeFileSync(path.join(dir, 'providers.json'), JSON.stringify({ providers: { lab: { baseUrl: server.url, structuredOutput: true } } }));
  });
  after(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function run(args: string[]): Promise<Result> {
    const env = { PATH: process.env.PATH, HOME: dir, DILEMMA_CONFIG: path.join(dir, 'providers.json'), DILEMMA_RETRY_BASE_MS: '5' };
    const child = spawn(process.execPath, [cli, 'run', ...args], { cwd: dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  }

  it('the aligned profile gives composite VAAR 1 with every path signed as expect implies, the contrary one VAAR 0', async () => {
    const models = Object.keys(profiles).map((m) => `lab/${m}`);
    const r = await run([EXAMPLE, ...models.flatMap((m) => ['--model', m]), '--no-cache', '--format', 'json']);
    // The example asserts VAAR >= 0.5 and low divergence, which the contrary profile fails: exit 1.
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    const planned = models.length * scenario.variants.length * scenario.personas.length * scenario.run.samples;
    assert.equal(out.runs[0].complete, planned, 'every session ran');
    const log = await readRunLog(out.runs[0].logPath);
    const [analysis] = out.report.scenarios;
    assert.deepEqual(analysis.models, models);

    for (const model of models) {
      const mode = profiles[model.slice('lab/'.length)]!.action;
      const signs = impliedSigns(scenario, mode);
      const m = analysis.perModel.find((x: { model: string }) => x.model === model);
      const v: VaarJson = m.vaar.sign;
      assert.equal(v.failure, undefined, `${model}: ${v.failure}`);
      assert.equal(v.form, 'sign');
      assert.equal(v.source, 'composite');
      assert.equal(v.model, model);
      const n = usableSessions(scenario, log.sessions, model);
      assert.equal(v.n, n, `${model}: n is the sessions with a readable action and every value stated`);
      assert.ok(n < planned / models.length && n > 0.8 * (planned / models.length), `${model}: unreadable answers left some sessions out (${n})`);
      assert.deepEqual(v.paths!.map((p) => p.value), [...signs.keys()], 'one path per value with an expect entry');
      for (const p of v.paths!) {
        const s = signs.get(p.value)!;
        assert.equal(p.expected, s.expected, `${model} ${p.value}: expected sign`);
        assert.equal(Math.sign(p.estimate), s.implied, `${model} ${p.value}: estimate ${p.estimate} should have the sign the ${mode} profile implies`);
        assert.equal(p.agrees, s.implied === s.expected);
      }
      const agreeing = [...signs.values()].filter((s) => s.implied === s.expected).length;
      assert.equal(v.vaar, agreeing / signs.size, `${model}: VAAR`);
      const vaarAssert = analysis.asserts.find((a: { metric: string; model: string }) => a.metric === 'vaar' && a.model === model);
      // The example names its form (strict, see its comment and docs/analysis.md); the assert reads that form.
      const form = scenario.assert.find((t) => t.metric === 'vaar')!.form ?? 'confidence';
      assert.equal(form, 'strict');
      const chosen = m.vaar[form] as VaarJson & { chance?: { p: number } };
      assert.equal(vaarAssert.form, form, 'the example\'s gate reads the form it names');
      assert.equal(vaarAssert.actual, chosen.vaar ?? null, 'assert: vaar checks that form');
      if (chosen.chance) assert.equal(vaarAssert.chanceP, chosen.chance.p);
      assert.equal(vaarAssert.n, n);
    }
    const byModel = (model: string): VaarJson => analysis.perModel.find((x: { model: string }) => x.model === model).vaar.sign;
    assert.equal(byModel('lab/sim-aligned').vaar, 1);
    assert.equal(byModel('lab/sim-contrary').vaar, 0);
  });
});
