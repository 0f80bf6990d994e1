/**
 * The plan of a run: a scenario expanded over models x variants x personas x samples into session
 * specs (keyed by `sessionKey`), each variant rendered once per persona, and a preflight estimate
 * of calls and tokens printed before any call is made.
 */
import type { Scenario, Variant } from '../scenario/model';
import { renderVariant, type RenderedVariant } from '../scenario/render';
import { sessionKey } from './record';
import { itemQuestion, actionQuestion } from './prompts';
import type { SessionSettings, SessionSpec } from './session';

export interface PlanOptions {
  /** `provider/model` ids. */
  models: readonly string[];
  /** Run only these variants (by name), in scenario order; default all. */
  variants?: readonly string[];
  /** Overrides `run.samples`. */
  samples?: number;
}

export interface RunPlan {
  scenarioId: string;
  models: string[];
  variants: string[];
  /** Number of persona entries (1 when the scenario has none: persona index 0 with no extra vars). */
  personas: number;
  samples: number;
  settings: SessionSettings;
  /** Every session, model-major then variant, persona, sample. */
  sessions: SessionSpec[];
  /** Rendered prompts by `variant|persona`. */
  rendered: Map<string, RenderedVariant>;
}

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/** `variant|persona`, the key of `RunPlan.rendered`. */
export function renderedKey(variant: string, persona: number): string {
  return `${variant}|${persona}`;
}

/** Expands a scenario into sessions. Throws `PlanError` for an unknown variant, no models or bad samples. */
export function planRun(scenario: Scenario, options: PlanOptions): RunPlan {
  if (options.models.length === 0) throw new PlanError('no model: pass --model provider/model or set run.models in the scenario');
  const samples = options.samples ?? scenario.run.samples;
  if (!Number.isInteger(samples) || samples < 1) throw new PlanError(`samples must be a positive integer, got ${samples}`);
  let variants: Variant[] = scenario.variants;
  if (options.variants !== undefined) {
    for (const name of options.variants)
      if (!scenario.variants.some((x) => x.name === name))
        throw new PlanError(`unknown variant "${name}"; the scenario has: ${scenario.variants.map((x) => x.name).join(', ')}`);
    variants = scenario.variants.filter((x) => options.variants?.includes(x.name));
  }
  const personaSets = scenario.personas.length > 0 ? scenario.personas : [undefined];
  const rendered = new Map<string, RenderedVariant>();
  for (const v of variants) personaSets.forEach((p, i) => rendered.set(renderedKey(v.name, i), renderVariant(scenario, v, p)));
  const models = [...new Set(options.models)];
  const sessions: SessionSpec[] = [];
  for (const model of models)
    for (const v of variants)
      for (let persona = 0; persona < personaSets.length; persona++)
        for (let sample = 0; sample < samples; sample++)
          sessions.push({ key: sessionKey(model, v.name, persona, sample), model, variant: v.name, persona, sample });
  const r = scenario.run;
  return {
    scenarioId: scenario.id,
    models,
    variants: variants.map((v) => v.name),
    personas: personaSets.length,
    samples,
    settings: {
      mode: r.session,
      order: r.order,
      shuffleItems: r.shuffleItems,
      ...(r.temperature !== undefined ? { temperature: r.temperature } : {}),
      ...(r.seed !== undefined ? { seed: r.seed } : {}),
      ...(r.maxTokens !== undefined ? { maxTokens: r.maxTokens } : {}),
    },
    sessions,
    rendered,
  };
}

export interface Estimate {
  sessions: number;
  calls: number;
  /** Approximate: characters / 4, the usual rule of thumb for English with BPE tokenizers. */
  promptTokens: number;
  completionTokens: number;
}

/** Assumed length of one answer in tokens (a number or an id, sometimes a short sentence). */
const ANSWER_TOKENS = 8;
const tokens = (chars: number): number => Math.ceil(chars / 4);

/**
 * Calls and approximate tokens of a plan, before any call. A history session resends the whole
 * conversation each turn, so its prompt tokens grow with the turn; a stateless one does not.
 */
export function estimatePlan(plan: RunPlan, sessions: readonly SessionSpec[] = plan.sessions): Estimate {
  const perRendered = new Map<string, { calls: number; prompt: number }>();
  for (const [key, r] of plan.rendered) {
    const system = r.system ? tokens(r.system.length) + 4 : 0;
    const questions: number[] = [];
    for (const v of r.values) for (const it of v.items) questions.push(tokens(itemQuestion(it.text, v.scale).length) + 4);
    questions.push(tokens(actionQuestion(r.action.prompt, r.action).length) + 4);
    let prompt = 0;
    let history = system;
    for (const q of questions) {
      if (plan.settings.mode === 'history') {
        history += q;
        prompt += history;
        history += ANSWER_TOKENS + 4;
      } else {
        prompt += system + q;
      }
    }
    // Principle questions: one fresh conversation per pair of values, after the action.
    for (const pr of r.principle ?? []) prompt += system + tokens(actionQuestion(pr.prompts[0], { choices: pr.values.map((id, k) => ({ id, label: pr.labels[k]! })) }).length) + 4;
    perRendered.set(key, { calls: questions.length + (r.principle?.length ?? 0), prompt });
  }
  let calls = 0;
  let promptTokens = 0;
  for (const s of sessions) {
    const e = perRendered.get(renderedKey(s.variant, s.persona));
    if (!e) continue;
    calls += e.calls;
    promptTokens += e.prompt;
  }
  return { sessions: sessions.length, calls, promptTokens, completionTokens: calls * ANSWER_TOKENS };
}
