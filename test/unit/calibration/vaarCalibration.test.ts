import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeRun, type AssertResult } from '../../../src/core/analysis/analyzeRun';
import { OpenAICompatibleModel } from '../../../src/core/models/openaiModel';
import { runScenario } from '../../../src/core/run/engine';
import { readRunLog } from '../../../src/core/run/runLog';
import { createScheduler } from '../../../src/core/run/scheduler';
import { parseScenario } from '../../../src/core/scenario/parse';
import type { Scenario } from '../../../src/core/scenario/model';
import { startTestServer } from '../../support/openaiServer';
import { repoPath } from '../../support/paths';
import { RANDOM_MODEL, withRandomModel } from '../../support/randomRespondent';
import { scenarioRespondent, simulatedProfiles } from '../../support/respondent';

const RUNS = 20;
/**
 * The positive control: the test server's aligned respondent deciding by its values (`decide: 'values'`),
 * not by the scenario's ranking. Under a ranking a lower-ranked value decides only where the values above
 * it are not held, so its path carries little or no signal (contact-tracing's civic duty none at all,
 * health-registry's prosocialness little); such a respondent is aligned with the arbiter, not with each
 * of its values, which is what VAAR measures. docs/analysis.md has the figures of sim-aligned too.
 */
const ALIGNED = 'sim-values';

interface Outcome { seed: number; status: AssertResult['status']; message: string }

/**
 * One run of an example exactly as written (its variants, personas, samples, session and run settings),
 * through the real engine against the real test server on 127.0.0.1, for two models: sim-random with
 * `--random-seed` `seed`, and the test server's sim-values profile with its seed offset by `seed`.
 * The analysis is `dilemma analyze`'s default (1000 bootstrap resamples, alpha 0.05, seed `seed`);
 * what is returned is the example's own `assert: vaar` per model.
 */
async function gateOnce(name: string, text: string, scenario: Scenario, seed: number): Promise<Record<string, Outcome>> {
  const server = await startTestServer({
    models: [RANDOM_MODEL, ALIGNED],
    respondent: withRandomModel(scenarioRespondent([scenario], { [ALIGNED]: simulatedProfiles([scenario], seed)[ALIGNED] }), seed),
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-calib-'));
  try {
    const models = [RANDOM_MODEL, ALIGNED].map((m) => new OpenAICompatibleModel({ provider: 'sim', model: m, baseUrl: server.url }));
    const summary = await runScenario({
      scenario, file: path.join(dir, name), text, models, runDir: dir, concurrency: 16,
      scheduler: createScheduler({ concurrency: 16, maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, requestTimeoutMs: 30_000 }),
    });
    const log = await readRunLog(summary.logPath);
    // Only the vaar gate is read; the flip tests' permutations play no part in it, so they are few here.
    const analysis = analyzeRun(scenario, [{ header: log.header, sessions: log.sessions }], { latentModel: false, seed, deferPathModel: true, permutations: 200 });
    const out: Record<string, Outcome> = {};
    for (const a of analysis.asserts.filter((x) => x.metric === 'vaar')) out[a.model.replace(/^sim\//, '')] = { seed, status: a.status, message: a.message };
    return out;
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Issue 9 §4 / method.md Revision 2: a respondent that answers at random (sim/sim-random, which reads
// nothing but the messages) must fail the VAAR gate of every example in at least 19 of 20 runs, and the
// test server's aligned profile deciding by its values (sim-values) must pass it in at least 19. Every example carries its own `assert: vaar`
// (docs/analysis.md, "Calibration of the VAAR gate", says why each chose its form and minimum). The
// counts are printed; the 20 seeds are fixed, so the figures reproduce.
describe('VAAR gate calibrated against the null respondent sim/sim-random', function () {
  this.timeout(900_000);
  const files = fs.readdirSync(repoPath('examples')).filter((f) => f.endsWith('.dilemma.yaml')).sort();
  it('covers every example', () => assert.ok(files.length >= 4, files.join(', ')));
  for (const name of files) {
    it(`${name}: sim-random fails its vaar gate in >= 19 of ${RUNS} seeds, sim-values passes in >= 19`, async () => {
      const text = fs.readFileSync(repoPath('examples', name), 'utf8');
      const parsed = parseScenario(text).scenario!;
      // A request seed per sample (run.seed + sample, the OpenAI \`seed\`) where the example sets none: the
      // simulated respondents then draw per sample, not by the order in which identical requests arrive,
      // so a run is the same on every machine. It changes no question the example asks.
      const scenario: Scenario = { ...parsed, run: { ...parsed.run, seed: parsed.run.seed ?? 1 } };
      const gate = scenario.assert.find((t) => t.metric === 'vaar');
      assert.ok(gate && gate.min !== undefined, `${name} must gate on vaar with a min (the gate being calibrated)`);
      const random: Outcome[] = [];
      const aligned: Outcome[] = [];
      for (let seed = 1; seed <= RUNS; seed++) {
        const r = await gateOnce(name, text, scenario, seed);
        assert.ok(r[RANDOM_MODEL] && r[ALIGNED], `seed ${seed}: no vaar result for both models`);
        random.push(r[RANDOM_MODEL]);
        aligned.push(r[ALIGNED]);
      }
      if (process.env.CALIB_DEBUG) for (const o of [...random, ...aligned]) console.log(o.seed, o.status, o.message);
      const nullFails = random.filter((o) => o.status === 'fail').length;
      const alignedPasses = aligned.filter((o) => o.status === 'pass').length;
      const form = `${gate.form ?? 'confidence'} form, min ${gate.min}`;
      console.log(`      ${name} (${form}): sim-random fails ${nullFails}/${RUNS}, sim-values passes ${alignedPasses}/${RUNS}`);
      const passedByChance = random.filter((o) => o.status !== 'fail');
      const alignedMissed = aligned.filter((o) => o.status !== 'pass');
      assert.ok(nullFails >= RUNS - 1, `sim-random did not fail ${passedByChance.length}/${RUNS}: ${passedByChance.map((o) => `seed ${o.seed}: ${o.status}: ${o.message}`).join('; ')}`);
      assert.ok(alignedPasses >= RUNS - 1, `sim-values missed ${alignedMissed.length}/${RUNS}: ${alignedMissed.map((o) => `seed ${o.seed}: ${o.status}: ${o.message}`).join('; ')}`);
    });
  }
});
