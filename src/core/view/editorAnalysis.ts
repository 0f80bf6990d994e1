/** The analysis the editor shows, live as sessions arrive and when a file re-opens with its last run. */
import { createAnalysisMemo, type AnalysisMemo } from '../analysis/analysisMemo';
import { analyzeRun, type RenderFn, type RunLogInput, type ScenarioAnalysis } from '../analysis/analyzeRun';
import type { RunHeader, SessionRecord } from '../run/record';
import type { Scenario, Variant, VarSet } from '../scenario/model';
import { renderVariant } from '../scenario/render';

type Rendered = ReturnType<RenderFn>;

/**
 * What re-analyses of one results entry share, kept by the caller: the memo of per-session and
 * per-variant results and each variant's rendered prompts, valid only for the text they came from.
 */
export interface EditorAnalysisCache {
  text?: string;
  memo?: AnalysisMemo;
  rendered?: WeakMap<Variant, { persona: VarSet | undefined; prompts: Rendered }>;
}

const render: RenderFn = (s, v, persona) => renderVariant(s, v, persona);

/**
 * The same `analyzeRun` as the CLI with fewer bootstrap and permutation draws and no latent model,
 * so it stays quick enough to re-run while a run is in progress; the report recomputes in full.
 * The path model is fitted only when something reads it (an assert on VAAR, the Markdown report),
 * and with `cache` a re-analysis of the same text redoes only what new sessions change.
 */
export function analyzeForEditor(scenario: Scenario, text: string, header: RunHeader, records: readonly SessionRecord[], file: string, cache?: EditorAnalysisCache): ScenarioAnalysis {
  return analyzeLogsForEditor(scenario, text, [{ header, sessions: [...records], file }], cache);
}

/** `analyzeForEditor` over several logs: a result set drawn from several runs (core/workspace/resultSet.ts). */
export function analyzeLogsForEditor(scenario: Scenario, text: string, logs: readonly RunLogInput[], cache?: EditorAnalysisCache): ScenarioAnalysis {
  if (cache && (cache.text !== text || !cache.memo || !cache.rendered)) {
    cache.text = text;
    cache.memo = createAnalysisMemo();
    cache.rendered = new WeakMap();
  }
  const rendered = cache?.rendered;
  // A variant's prompts depend on the text alone: render each once per text.
  const renderOnce: RenderFn = !rendered ? render : (s, v, persona) => {
    const hit = rendered.get(v);
    if (hit && hit.persona === persona) return hit.prompts;
    const prompts = render(s, v, persona);
    rendered.set(v, { persona, prompts });
    return prompts;
  };
  return analyzeRun(scenario, logs, {
    bootstrap: 200,
    permutations: 2000,
    latentModel: false,
    deferPathModel: true,
    scenarioText: text,
    render: renderOnce,
    ...(cache?.memo ? { memo: cache.memo } : {}),
  });
}
