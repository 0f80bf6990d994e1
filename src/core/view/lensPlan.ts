/**
 * The CodeLenses of a scenario file as data: "▶ Run scenario · <model>", "⇄ <model>" and, when the
 * file has `arbitration` rules, "Run with guardrail" (the guard A/B) above `dilemma:`, "▶ Run variant" above each variant, and after a run a summary lens that opens the
 * report. Pure; the editor maps `action` to its command ids.
 */
import type { ScenarioAnalysis } from '../analysis/analyzeRun';
import type { Scenario } from '../scenario/model';

export type LensAction = 'runScenario' | 'pickModel' | 'runGuarded' | 'runVariant' | 'openReport';

export interface LensSpec {
  /** Offset of the line the lens sits above. */
  at: number;
  title: string;
  action: LensAction;
  variant?: string;
}

/** Where the results shown stand, for the summary lens. */
export interface LensResults {
  running: boolean;
  sessions: number;
  analysis?: ScenarioAnalysis;
  /** Where the figures come from when they are not one whole run ("partial 7/24 · from 2 runs"). */
  label?: string;
}

/** Short label of a selection: one model's name, or "3 models". */
export function modelLabel(models: readonly string[]): string {
  if (models.length === 0) return 'no model';
  if (models.length === 1) return models[0]!;
  return `${models.length} models`;
}

/** "42/50 aligned · 8 diverge" over the determined samples, plus undetermined and failed counts and the asserts. */
export function summaryText(analysis: ScenarioAnalysis, running = false, label?: string): string {
  const determined = analysis.samples.filter((s) => s.divergent !== null);
  const diverge = determined.filter((s) => s.divergent).length;
  const parts = [`${determined.length - diverge}/${determined.length} aligned`, `${diverge} diverge`];
  const undetermined = analysis.samples.length - determined.length;
  if (undetermined > 0) parts.push(`${undetermined} undetermined`);
  const failed = analysis.samples.filter((s) => s.status === 'failed').length;
  if (failed > 0) parts.push(`${failed} failed`);
  if (analysis.asserts.length > 0) {
    const pass = analysis.asserts.filter((a) => a.status === 'pass').length;
    const unmeasured = analysis.asserts.filter((a) => a.status === 'error').length;
    parts.push(unmeasured === analysis.asserts.length ? 'asserts not measured' : `asserts ${pass}/${analysis.asserts.length} pass${unmeasured ? ` (${unmeasured} not measured)` : ''}`);
  }
  if (label) parts.push(label);
  return `${running ? '$(sync~spin) ' : ''}${parts.join(' · ')}`;
}

/** The lenses of a scenario for the current model selection and results. */
export function lensPlan(scenario: Scenario, text: string, models: readonly string[], results?: LensResults): LensSpec[] {
  const lineOf = (offset: number): number => text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  const top = lineOf(scenario.idRange.start);
  const lenses: LensSpec[] = [
    { at: top, title: `▶ Run scenario · ${modelLabel(models)}`, action: 'runScenario' },
    { at: top, title: `⇄ ${models.length ? modelLabel(models) : 'Pick model'}`, action: 'pickModel' },
  ];
  // The guard A/B needs rules to state as the policy.
  if (scenario.arbitration.length > 0) lenses.push({ at: top, title: '$(shield) Run with guardrail', action: 'runGuarded' });
  if (results?.analysis && results.sessions > 0) lenses.push({ at: top, title: summaryText(results.analysis, results.running, results.label), action: 'openReport' });
  else if (results?.running) lenses.push({ at: top, title: '$(sync~spin) running…', action: 'openReport' });
  for (const v of scenario.variants) {
    if (v.implicit) continue;
    lenses.push({ at: lineOf(v.nameRange.start), title: '▶ Run variant', action: 'runVariant', variant: v.name });
  }
  return lenses;
}
