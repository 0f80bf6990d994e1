import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ScenarioAnalysis } from '../../../src/core/analysis/analyzeRun';
import { OpenAICompatibleModel } from '../../../src/core/models/openaiModel';
import { runScenario } from '../../../src/core/run/engine';
import type { SessionRecord } from '../../../src/core/run/record';
import { readRunLog } from '../../../src/core/run/runLog';
import { createScheduler } from '../../../src/core/run/scheduler';
import type { Scenario } from '../../../src/core/scenario/model';
import { parseScenario } from '../../../src/core/scenario/parse';
import { analyzeForEditor } from '../../../src/core/view/editorAnalysis';
import { startTestServer } from '../../support/openaiServer';
import { repoPath } from '../../support/paths';
import { scenarioRespondent } from '../../support/respondent';

/** A real run of an example: the engine against the test server's simulated respondent, analysed as the editor does. */
export interface SimRun {
  scenario: Scenario;
  text: string;
  records: SessionRecord[];
  analysis: ScenarioAnalysis;
  /** The variant the profile makes act against its stated values. */
  contrary: string;
}

/**
 * Runs `examples/<name>` against `sim/sim-mixed`: it acts on its stated values on every variant but
 * the third, where it acts against them. Real HTTP on 127.0.0.1, the real engine and analysis.
 */
export async function simRun(name: string): Promise<SimRun> {
  const text = fs.readFileSync(repoPath('examples', name), 'utf8');
  const scenario = parseScenario(text).scenario!;
  const contrary = scenario.variants[2]!.name;
  const traits = Object.fromEntries(scenario.values.map((v, i) => [v.name, i % 2 === 0 ? 0.7 : 0.35]));
  const server = await startTestServer({
    models: ['sim-mixed'],
    respondent: scenarioRespondent([scenario], { 'sim-mixed': { traits, spread: 0.1, action: 'aligned', variants: { [contrary]: { action: 'contrary' } }, unparsedRate: 0, refusalRate: 0, seed: 3 } }),
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dilemma-view-'));
  try {
    const model = new OpenAICompatibleModel({ provider: 'sim', model: 'sim-mixed', baseUrl: server.url });
    const summary = await runScenario({
      scenario, file: path.join(dir, name), text, models: [model], runDir: dir, concurrency: 8,
      scheduler: createScheduler({ concurrency: 8, maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, requestTimeoutMs: 10_000 }),
    });
    const log = await readRunLog(summary.logPath);
    return { scenario, text, records: log.sessions, analysis: analyzeForEditor(scenario, text, log.header, log.sessions, summary.logPath), contrary };
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
