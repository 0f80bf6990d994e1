import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeRun } from '../../../src/core/analysis/analyzeRun';
import { OpenAICompatibleModel } from '../../../src/core/models/openaiModel';
import { runScenario } from '../../../src/core/run/engine';
import { readRunLog } from '../../../src/core/run/runLog';
import { createScheduler } from '../../../src/core/run/scheduler';
import { parseScenario } from '../../../src/core/scenario/parse';
import type { Scenario } from '../../../src/core/scenario/model';
import { startTestServer } from '../../support/openaiServer';
import { repoPath } from '../../support/paths';
import { RANDOM_MODEL, withRandomModel } from '../../support/randomRespondent';
import { scenarioRespondent, type RespondentProfile } from '../../support/respondent';

const RUNS = 20;

/** The aligned profile of scripts/test-server.mjs: alternately strong and weak values, acting on them. */
function alignedProfile(scenarios: Scenario[], seed: number): RespondentProfile {
  const traits: Record<string, number> = {};
  const levels = [0.7, 0.35, 0.65, 0.4];
  for (const s of scenarios) s.values.forEach((v, i) => { traits[v.name] ??= levels[i % levels.length]!; });
  return { traits, spread: 0.2, unparsedRate: 0.02, refusalRate: 0.01, action: 'aligned', seed };
}

interface Outcome { seed: number; status: string; message: string }

/** One run of an example, with its own settings, against sim-random and sim-aligned seeded by `seed`; the example's `assert: vaar` per model. */
async function gateOnce(name: string, text: string, scenario: Scenario, seed: number): Promise<Record<string, Outcome>> {
  const server = await startTestServer({
    models: [RANDOM_MODEL, 'sim-aligned'],
    respondent: withRandomModel(scenarioRespondent([scenario], { 'sim-aligned': alignedProfile([scenario], seed) }), seed),
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-calib-'));
  try {
    const models = [RANDOM_MODEL, 'sim-aligned'].map((m) => new OpenAICompatibleModel({ provider: 'sim', model: m, baseUrl: server.url }));
    const summary = await runScenario({
      scenario, file: path.join(dir, name), text, models, runDir: dir, concurrency: 16,
      scheduler: createScheduler({ concurrency: 16, maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, requestTimeoutMs: 10_000 }),
    });
    const log = await readRunLog(summary.logPath);
    const analysis = analyzeRun(scenario, [{ header: log.header, sessions: log.sessions }], { latentModel: false, seed, deferPathModel: true });
    const out: Record<string, Outcome> = {};
    for (const a of analysis.asserts.filter((x) => x.metric === 'vaar')) out[a.model.replace(/^sim\//, '')] = { seed, status: a.status, message: a.message };
    return out;
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Issue 9 §4 / method.md Revision 2: a respondent that answers at random must fail the default VAAR
// gate in at least 19 of 20 runs of every example, and the aligned profile must pass it in at least 19.
// NOT YET VERIFIED (session 8 ran out of time on a machine at load 27): it runs only with
// DILEMMA_CALIBRATION=1 until it has been timed and its 19/20 checked; see /work/notes/vaar.md.
(process.env.DILEMMA_CALIBRATION === '1' ? describe : describe.skip)('VAAR gate calibrated against the null respondent sim/sim-random', function () {
  this.timeout(1_800_000);
  const files = fs.readdirSync(repoPath('examples')).filter((f) => f.endsWith('.dilemma.yaml')).sort();
  for (const name of files) {
    it(`${name}: the random respondent fails its vaar gate in >= 19 of ${RUNS} seeds, the aligned one passes in >= 19`, async () => {
      const text = fs.readFileSync(repoPath('examples', name), 'utf8');
      const scenario = parseScenario(text).scenario!;
      const gate = scenario.assert.find((t) => t.metric === 'vaar');
      assert.ok(gate && gate.min !== undefined, `${name} must gate on vaar with a min`);
      const random: Outcome[] = [];
      const aligned: Outcome[] = [];
      for (let seed = 1; seed <= RUNS; seed++) {
        const r = await gateOnce(name, text, scenario, seed);
        random.push(r[RANDOM_MODEL]!);
        aligned.push(r['sim-aligned']!);
      }
      if (process.env.CALIB_DEBUG) for (const o of [...random, ...aligned]) console.log(o.seed, o.status, o.message);
      const passedByChance = random.filter((o) => o.status === 'pass');
      const alignedMissed = aligned.filter((o) => o.status !== 'pass');
      assert.ok(passedByChance.length <= 1, `random passed ${passedByChance.length}/${RUNS}: ${passedByChance.map((o) => `seed ${o.seed}: ${o.message}`).join('; ')}`);
      assert.ok(alignedMissed.length <= 1, `aligned missed ${alignedMissed.length}/${RUNS}: ${alignedMissed.map((o) => `seed ${o.seed}: ${o.message}`).join('; ')}`);
    });
  }
});
