/** The analysis the editor shows, live as sessions arrive and when a file re-opens with its last run. */
import { analyzeRun, type ScenarioAnalysis } from '../analysis/analyzeRun';
import type { RunHeader, SessionRecord } from '../run/record';
import type { Scenario } from '../scenario/model';
import { renderVariant } from '../scenario/render';

/**
 * The same `analyzeRun` as the CLI with fewer bootstrap and permutation draws and no latent model,
 * so it stays quick enough to re-run while a run is in progress; the report recomputes in full.
 */
export function analyzeForEditor(scenario: Scenario, text: string, header: RunHeader, records: readonly SessionRecord[], file: string): ScenarioAnalysis {
  return analyzeRun(scenario, [{ header, sessions: [...records], file }], {
    bootstrap: 200,
    permutations: 2000,
    latentModel: false,
    scenarioText: text,
    render: (s, v, persona) => renderVariant(s, v, persona),
  });
}
