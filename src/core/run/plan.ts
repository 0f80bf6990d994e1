/**
 * The plan of a run: a scenario expanded over models x variants x personas x samples into session
 * specs (keyed by `sessionKey`), generated lazily, each variant rendered per persona on demand, and a
 * preflight estimate of calls and tokens from counts, printed before anything is built.
 */
import type { Scenario, Variant, VarSet } from '../scenario/model';
import { renderVariant, type RenderedVariant } from '../scenario/render';
import { familyMembers, renderMember, renderPushback, resolveVariant } from '../scenario/families';
import { GUARD_KEY_SUFFIX, sessionKey } from './record';
import { itemQuestion, actionQuestion } from './prompts';
import { actionTurn } from './session';
import type { SessionSettings, SessionSpec } from './session';

export interface PlanOptions {
  /** `provider/model` ids. */
  models: readonly string[];
  /**
   * Run only these variants (by name), in scenario order; default all. An authored variant brings its
   * generated family (`perturb`); a member (`baseline~order-2`) may also be named alone.
   */
  variants?: readonly string[];
  /** Overrides `run.samples`. */
  samples?: number;
  /**
   * Revision 2, `run.guard`: every session gets a guarded twin (same model, variant, persona, sample
   * and seed) whose conversation states the arbitration rules as its policy. Default `run.guard`.
   */
  guard?: boolean;
}

/** What a plan is made of, from counts alone (`planShape`). */
export interface PlanShape {
  scenarioId: string;
  models: string[];
  variants: string[];
  /** Number of persona entries (1 when the scenario has none: persona index 0 with no extra vars). */
  personas: number;
  samples: number;
  settings: SessionSettings;
  /** Whether every session has a guarded twin (`run.guard`, `--guard`). */
  guard: boolean;
  /** Sessions in the plan: models x variants x personas x samples, twice that with the guard. */
  total: number;
}

/**
 * A plan: its shape, and its sessions and prompts made on demand, so memory grows with what is in
 * flight, not with the plan. A plan of 10^8 sessions costs no more to hold than one of ten.
 */
export interface RunPlan extends PlanShape {
  /**
   * Every session, model-major then variant, persona, sample; generated as it is pulled. With the
   * guard, each session's guarded twin follows it at once, so a stopped run leaves few unpaired.
   */
  sessions(): Generator<SessionSpec, void, undefined>;
  /** The prompts of a variant for a persona (with the policy when `guard`), rendered on first use (the last few are kept). */
  rendered(variant: string, persona: number, guard?: boolean): RenderedVariant | undefined;
}

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/** `variant|persona` (`|guard` added for the guarded prompts), the key of a rendered variant. */
export function renderedKey(variant: string, persona: number, guard = false): string {
  return `${variant}|${persona}${guard ? GUARD_KEY_SUFFIX : ''}`;
}

/** Whether a scenario has rules a guarded run can state as its policy. */
export function canGuard(scenario: Scenario): boolean {
  return scenario.arbitration.length > 0;
}

/**
 * The shape of a plan from counts alone: no prompt is rendered and no session built, so a plan of
 * any size is checked and estimated in time and memory independent of its size. Throws `PlanError`
 * for an unknown variant, no models or bad samples.
 */
export function planShape(scenario: Scenario, options: PlanOptions): PlanShape {
  if (options.models.length === 0) throw new PlanError('no model: pass --model provider/model or set run.models in the scenario');
  const samples = options.samples ?? scenario.run.samples;
  if (!Number.isInteger(samples) || samples < 1) throw new PlanError(`samples must be a positive integer, got ${samples}`);
  // Revision 2: each authored variant is followed by its generated family members (`perturb`).
  const all: string[] = [];
  for (const v of scenario.variants) all.push(v.name, ...familyMembers(scenario, v).map((m) => m.name));
  let variants = all;
  if (options.variants !== undefined) {
    for (const name of options.variants)
      if (!all.includes(name))
        throw new PlanError(`unknown variant "${name}"; the scenario has: ${scenario.variants.map((x) => x.name).join(', ')}`);
    const wanted = new Set<string>();
    for (const name of options.variants) {
      wanted.add(name);
      const v = scenario.variants.find((x) => x.name === name);
      if (v) for (const m of familyMembers(scenario, v)) wanted.add(m.name);
    }
    variants = all.filter((name) => wanted.has(name));
  }
  const models = [...new Set(options.models)];
  const personas = Math.max(1, scenario.personas.length);
  const r = scenario.run;
  // `run.guard` in a file without rules plans no twin (validate warns); asking for the guard explicitly is refused.
  if (options.guard && !canGuard(scenario)) throw new PlanError('the guard states the scenario\'s `arbitration` rules to the model as its policy, and this scenario has none');
  const guard = (options.guard ?? r.guard ?? false) && canGuard(scenario);
  return {
    scenarioId: scenario.id,
    models,
    variants,
    personas,
    samples,
    settings: {
      mode: r.session,
      order: r.order,
      shuffleItems: r.shuffleItems,
      ...(r.temperature !== undefined ? { temperature: r.temperature } : {}),
      ...(r.seed !== undefined ? { seed: r.seed } : {}),
      ...(r.maxTokens !== undefined ? { maxTokens: r.maxTokens } : {}),
    },
    guard,
    total: models.length * variants.length * personas * samples * (guard ? 2 : 1),
  };
}

/**
 * The prompts of a planned variant (authored or generated) for one persona entry: a member is its
 * authored variant's rendering with its perturbation applied; an authored variant of a choice action
 * carries the `perturb.pushback` turns. With `guard`, the prompts state the arbitration rules as the
 * policy (the guarded twin's). Undefined for a name the scenario does not plan.
 */
export function renderPlanned(scenario: Scenario, name: string, persona?: VarSet, authoredOf?: (variant: Variant) => RenderedVariant | undefined, guard = false): RenderedVariant | undefined {
  const found = resolveVariant(scenario, name);
  if (!found) return undefined;
  // A member starts from its authored variant's prompts (the caller may have them already).
  if (found.member) return renderMember(scenario, found.variant, found.member, authoredOf?.(found.variant) ?? renderVariant(scenario, found.variant, persona, { guard }), persona);
  const r = renderVariant(scenario, found.variant, persona, { guard });
  const pushback = renderPushback(scenario, found.variant, persona);
  return pushback ? { ...r, pushback } : r;
}

/**
 * Every session of a plan's counts, model-major then variant, persona, sample, generated as pulled:
 * what `RunPlan.sessions` yields, and what a run header (the same counts) planned. With the guard, each
 * session's guarded twin (key + `|guard`) follows it at once.
 */
export function* planSessions(shape: Pick<PlanShape, 'models' | 'variants' | 'personas' | 'samples'> & { guard?: boolean }): Generator<SessionSpec, void, undefined> {
  const personas = Math.max(1, shape.personas);
  for (const model of shape.models)
    for (const variant of shape.variants)
      for (let persona = 0; persona < personas; persona++)
        for (let sample = 0; sample < shape.samples; sample++) {
          const key = sessionKey(model, variant, persona, sample);
          yield { key, model, variant, persona, sample };
          if (shape.guard) yield { key: `${key}${GUARD_KEY_SUFFIX}`, model, variant, persona, sample, guard: true };
        }
}

/** Rendered variants a plan keeps: sessions come persona by persona, so a few cover all in flight. */
const RENDERED_KEPT = 64;

/** The plan of a run: `planShape` plus lazy sessions and prompts. Throws `PlanError` like `planShape`. */
export function planRun(scenario: Scenario, options: PlanOptions): RunPlan {
  const shape = planShape(scenario, options);
  const kept = new Map<string, RenderedVariant>();
  return {
    ...shape,
    sessions: () => planSessions(shape),
    rendered(variant, persona, guard = false) {
      if (!shape.variants.includes(variant) || !Number.isInteger(persona) || persona < 0 || persona >= shape.personas) return undefined;
      return renderKept(variant, persona, guard);
    },
  };
  function renderKept(variant: string, persona: number, guard: boolean): RenderedVariant | undefined {
    const key = renderedKey(variant, persona, guard);
    let r = kept.get(key);
    if (r) {
      // Most recently used last: the Map's order is the eviction order.
      kept.delete(key);
      kept.set(key, r);
      return r;
    }
    r = renderPlanned(scenario, variant, scenario.personas[persona], (v) => renderKept(v.name, persona, guard), guard);
    if (!r) return undefined;
    kept.set(key, r);
    if (kept.size > RENDERED_KEPT) kept.delete(kept.keys().next().value as string);
    return r;
  }
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

/** Calls and approximate prompt tokens of one session of a rendered variant. */
function sessionCost(r: RenderedVariant, mode: SessionSettings['mode']): { calls: number; prompt: number } {
  const system = r.system ? tokens(r.system.length) + 4 : 0;
  const questions: number[] = [];
  for (const v of r.values) for (const it of v.items) questions.push(tokens(itemQuestion(it.text, v.scale).length) + 4);
  // A scale action with items (Revision 2) asks each item as its own turn.
  if (r.action.scale && r.action.items?.length) for (const it of r.action.items) questions.push(tokens(actionQuestion(it.text, r.action).length) + 4);
  else questions.push(tokens(actionTurn(r.action, 0).length) + 4);
  // Pushback turns (Revision 2) follow the action in the same conversation.
  for (let t = 0; t < (r.pushback?.turns ?? 0); t++) questions.push(tokens(r.pushback!.text.length) + 4);
  let prompt = 0;
  let history = system;
  for (const q of questions) {
    if (mode === 'history') {
      history += q;
      prompt += history;
      history += ANSWER_TOKENS + 4;
    } else {
      prompt += system + q;
    }
  }
  // Principle questions: one fresh conversation per pair of values, after the action.
  for (const pr of r.principle ?? []) prompt += system + tokens(actionQuestion(pr.prompts[0], { choices: pr.values.map((id, k) => ({ id, label: pr.labels[k]! })) }).length) + 4;
  return { calls: questions.length + (r.principle?.length ?? 0), prompt };
}

/**
 * Personas whose prompts are rendered to estimate tokens: all of them up to this many, else this many
 * spread evenly over the list, their mean standing for the rest. Calls are exact either way (a
 * variant asks the same questions of every persona); only the token figure, approximate anyway, is
 * extrapolated, so the estimate costs the same for 2 personas or 2,000.
 */
export const ESTIMATE_PERSONAS = 32;

/** The sessions of a plan already done (a resume): only which variant and persona they were, and which arm. */
export interface DoneSession {
  variant: string;
  persona: number;
  guard?: boolean;
}

/**
 * Calls and approximate tokens of a plan, before anything is built: calls and sessions from counts,
 * tokens from the prompts of at most `ESTIMATE_PERSONAS` personas per variant. A history session
 * resends the whole conversation each turn, so its prompt tokens grow with the turn; a stateless one
 * does not. With the guard, each guarded twin is counted with its own (longer) prompts. `done` are
 * sessions of the plan already in the log, left out of the figures.
 */
export function estimateShape(scenario: Scenario, shape: PlanShape, done: Iterable<DoneSession> = []): Estimate {
  const perArm = new Map<string, { calls: number; prompt: Map<number, number>; meanPrompt: number }>();
  const personaCount = shape.personas;
  const picked: number[] = [];
  if (personaCount <= ESTIMATE_PERSONAS) for (let i = 0; i < personaCount; i++) picked.push(i);
  else for (let k = 0; k < ESTIMATE_PERSONAS; k++) picked.push(Math.floor((k * personaCount) / ESTIMATE_PERSONAS));
  let calls = 0;
  let promptTokens = 0;
  const perModel = shape.models.length * shape.samples;
  // Members (`perturb`) start from their authored variant's prompts: rendered once per persona.
  const authoredKept = new Map<string, RenderedVariant>();
  const authored = (v: Variant, persona: number, guard: boolean): RenderedVariant => {
    const key = renderedKey(v.name, persona, guard);
    let r = authoredKept.get(key);
    if (!r) authoredKept.set(key, (r = renderVariant(scenario, v, scenario.personas[persona], { guard })));
    return r;
  };
  const arms = shape.guard ? [false, true] : [false];
  for (const name of shape.variants) {
    for (const guard of arms) {
      const prompt = new Map<number, number>();
      let c = 0;
      for (const i of picked) {
        const cost = sessionCost(renderPlanned(scenario, name, scenario.personas[i], (v) => authored(v, i, guard), guard)!, shape.settings.mode);
        c = cost.calls;
        prompt.set(i, cost.prompt);
      }
      let sum = 0;
      for (const x of prompt.values()) sum += x;
      const meanPrompt = sum / picked.length;
      perArm.set(renderedKey(name, 0, guard), { calls: c, prompt, meanPrompt });
      calls += perModel * personaCount * c;
      promptTokens += perModel * (picked.length === personaCount ? sum : personaCount * meanPrompt);
    }
  }
  let sessions = shape.total;
  for (const d of done) {
    const e = perArm.get(renderedKey(d.variant, 0, d.guard === true));
    if (!e || d.persona >= personaCount) continue;
    sessions--;
    calls -= e.calls;
    promptTokens -= e.prompt.get(d.persona) ?? e.meanPrompt;
  }
  promptTokens = Math.max(0, Math.round(promptTokens));
  return { sessions, calls, promptTokens, completionTokens: calls * ANSWER_TOKENS };
}
