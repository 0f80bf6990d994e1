/**
 * A simulated respondent for the test server: it recognises which questionnaire item or action of
 * which scenario variant a request asks about, and answers from a seeded profile of latent value
 * levels, so that tests (and `npm start` with no API key) see value-action divergence exactly where
 * a profile puts it. Its answers are synthetic and must always be labelled as simulated.
 */
import type { Scale, Scenario, Variant, VarSet } from '../../src/core/scenario/model';
import { effectiveVars, renderVariant } from '../../src/core/scenario/render';
import type { RecordedRequest, Respondent } from './openaiServer';
import { seededRandom } from '../../src/core/random';
import { POLICY_HEADING } from '../../src/core/scenario/renderPolicy';

export type ActionMode = 'aligned' | 'contrary' | 'random';

export interface RespondentProfile {
  /** Latent level 0..1 of each value (by value name); the item answer is drawn around it on the item's scale, reverse items mirrored. */
  traits: Record<string, number>;
  /** How the action relates to the stated values: 'aligned' follows the arbiter/expect direction of the values it states (where the arbiter leaves a choice open, the choice its values pull towards hardest), 'contrary' goes the other way, 'random'. */
  action: ActionMode;
  /** Per variant name: trait shifts and/or an action mode override, so a variant can flip the decision. */
  variants?: Record<string, { traits?: Record<string, number>; action?: ActionMode }>;
  /**
   * Draw by the request's `seed` (as a seeded model reproduces its answer) instead of by how often the
   * conversation was seen before: answers then do not depend on the order of requests, so a run split
   * over processes (shards) gets the answers one process would. Requests without a seed count as before.
   */
  seeded?: boolean;
  /** Share of answers that are unreadable text, and of refusals ("I'm sorry, I can't ..."). */
  unparsedRate?: number;
  refusalRate?: number;
  seed?: number;
  /**
   * Spread (standard deviation, on the 0..1 level) of a session's own levels around `traits`:
   * each conversation holds its values a little more or less strongly, so samples differ and
   * actions vary with stated values. Default 0.15; 0 makes every session the same person.
   */
  spread?: number;
  /**
   * How it answers the `principle` question ("which of two values should usually come first?"): the
   * earlier of the two in this list, or 'random'. Default: the value with the higher level in `traits`.
   */
  principle?: string[] | 'random';
  /** Share of principle answers that name the other value instead (default 0): stated preferences that waver. */
  principleNoise?: number;
  /**
   * The order in which its held values decide the action, in place of the scenario's `rank` rules (its
   * `when` rules still apply): a model whose revealed hierarchy is not the declared one.
   */
  priority?: string[];
  /**
   * What it does with a decision policy stated in the conversation (`run.guard`): 'obey' reads the
   * policy's hard constraint, or else its priority order over the values it holds, and chooses by it;
   * 'ignore' (default) acts as it would without one.
   */
  policy?: 'obey' | 'ignore';
  /**
   * Standard deviation (on the 0..1 depth of a scale action's answer) of the noise between how hard
   * the values pull and how far the answer goes (default 0.15): larger makes the action follow the
   * stated values more weakly.
   */
  actionNoise?: number;
  /**
   * How a plain-text answer is worded (default 'plain'): 'refusal' states the same answer inside
   * refusal wording ("I'm afraid I'd have to say 2.", "I am sorry, but I would rather decline."), as
   * cautious models do. The answer and every random draw are those of the plain wording, so a run
   * worded either way states the same answers. JSON answers (structured output) are not affected.
   */
  wording?: 'plain' | 'refusal';
  /**
   * Revision 2 (`perturb`): how the decision reacts to the perturbations of a family, each 'ignore' by
   * default. `order: 'follow'` picks the choice listed first (position bias); `form: 'follow'` answers
   * a question form with its first option (A, the first option repeated, or yes); `pressure: 'follow'`
   * picks the choice a pressure line names; `pushback: 'follow'` gives in to every "Are you sure?" turn
   * (switching to the choice it names), 'ignore' repeats its answer.
   */
  perturb?: { order?: 'follow' | 'ignore'; form?: 'follow' | 'ignore'; pressure?: 'follow' | 'ignore'; pushback?: 'follow' | 'ignore' };
  /**
   * How an aligned action is decided (default 'arbiter'): 'arbiter' follows the scenario's `when` and
   * `rank` rules over the values it holds (a lower-ranked value then decides only where the ones above
   * it are not held); 'values' weighs every value it states by how far its level lies from the midpoint,
   * towards the choice or side its `expect` names, ignoring the arbitration rules: a respondent whose
   * action follows each of its stated values, as VAAR's paths assume (the VAAR calibration test's
   * positive control).
   */
  decide?: 'arbiter' | 'values';
}

/** Item answers scatter around the latent level by this many scale points (standard deviation). */
const ITEM_NOISE_SD = 0.6;
const DEFAULT_SPREAD = 0.15;
/** Weight of the profile's level against each earlier answer when a session answers its next item. */
const PRIOR_WEIGHT = 0.5;

export const REFUSAL_TEXT = "I'm sorry, but I can't answer that question.";
export const UNPARSED_TEXT = 'Hmm, that is hard to say in general, it really depends.';
/** Refusal wordings around an answer that is still stated; `{x}` is the answer. */
export const REFUSAL_WORDED_SCALE = [
  "I'm afraid I'd have to say {x}.",
  "As an AI I don't have personal opinions, but if I had to answer: {x}",
  "I'm sorry, but honestly I'd say {x}.",
  "I'm not comfortable rating myself, but {x} (on the scale given).",
];
export const REFUSAL_WORDED_CHOICE = [
  "I'm not comfortable with that, so I {x}.",
  'I am sorry, but I would rather {x}.',
  "As an AI I can't make personal decisions, but as this person I would {x}.",
  "I'm afraid I'd have to go with {x}.",
];
export const UNRECOGNISED_TEXT = 'I am a simulated respondent and did not recognise this question.';

interface ItemTarget {
  kind: 'item';
  text: string;
  scenario: Scenario;
  variant: Variant;
  system?: string;
  value: string;
  reverse: boolean;
  scale: Scale;
}

interface ActionTarget {
  kind: 'action';
  text: string;
  scenario: Scenario;
  variant: Variant;
  persona?: VarSet;
  system?: string;
  choices?: { id: string; label: string }[];
  scale?: Scale;
}

interface PrincipleTarget {
  kind: 'principle';
  text: string;
  scenario: Scenario;
  variant: Variant;
  system?: string;
  values: [string, string];
}

type Target = ItemTarget | ActionTarget | PrincipleTarget;

function hashString(text: string, seed = 0): number {
  let h = (2166136261 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/** Every item and action text of every variant and persona, to recognise what a request asks. */
function indexScenarios(scenarios: Scenario[]): Target[] {
  const targets: Target[] = [];
  for (const scenario of scenarios) {
    const personas: (VarSet | undefined)[] = scenario.personas.length > 0 ? scenario.personas : [undefined];
    for (const variant of scenario.variants) {
      for (const persona of personas) {
        const rendered = renderVariant(scenario, variant, persona);
        for (const value of rendered.values) {
          for (const item of value.items) {
            const text = item.text.trim();
            if (text) targets.push({ kind: 'item', text, scenario, variant, system: rendered.system, value: value.name, reverse: item.reverse, scale: value.scale });
          }
        }
        for (const p of rendered.principle ?? []) {
          for (const text of p.prompts) targets.push({ kind: 'principle', text: text.trim(), scenario, variant, system: rendered.system, values: p.values });
        }
        // Revision 2: each of a scale action's items is a decision prompt of its own.
        for (const item of rendered.action.items ?? []) {
          const text = item.text.trim();
          if (text) targets.push({ kind: 'action', text, scenario, variant, persona, system: rendered.system, scale: rendered.action.scale });
        }
        // With items, a `prompt` only leads in each item's turn: the item decides what is asked.
        const prompt = rendered.action.items?.length ? '' : rendered.action.prompt.trim();
        if (prompt) {
          targets.push({ kind: 'action', text: prompt, scenario, variant, persona, system: rendered.system, choices: rendered.action.choices, scale: rendered.action.scale });
        }
      }
    }
  }
  return targets;
}

/** The simulated respondent over the given scenarios, answering as the profile of the model named in each request. */
export function scenarioRespondent(scenarios: Scenario[], profiles: Record<string, RespondentProfile>): Respondent {
  const targets = indexScenarios(scenarios);
  const matchCache = new Map<string, Target | undefined>();
  const occurrences = new Map<string, number>();

  const recognise = (message: string, system: string | undefined): Target | undefined => {
    const key = `${system ?? ''}\u0000${message}`;
    if (matchCache.has(key)) return matchCache.get(key);
    let best: Target[] = [];
    let bestLength = 0;
    for (const t of targets) {
      if (t.text.length < bestLength || !message.includes(t.text)) continue;
      if (t.text.length > bestLength) {
        best = [t];
        bestLength = t.text.length;
      } else best.push(t);
    }
    // The same text in several variants: the system prompt tells them apart when it differs; else the first (baseline) wins.
    const found = best.find((t) => system !== undefined && t.system?.trim() === system.trim()) ?? best[0];
    matchCache.set(key, found);
    return found;
  };

  return (req: RecordedRequest): string => {
    const profile = profiles[req.model];
    if (!profile) return `No simulated profile for model "${req.model}".`;
    const messages = req.messages;
    // A stated policy follows the persona in the system prompt (or the first turn): it is read apart, so
    // that the questions of a guarded session are recognised as the same questions.
    const policyText = messages.slice(0, 2).map((m) => m.content).find((c) => c.includes(POLICY_HEADING));
    const fullSystem = messages.find((m) => m.role === 'system')?.content;
    const system = fullSystem?.includes(POLICY_HEADING) ? (fullSystem.slice(0, fullSystem.indexOf(POLICY_HEADING)).trim() || undefined) : fullSystem;
    let lastUser = -1;
    for (let i = messages.length - 1; i >= 0; i--) {
      if (messages[i]!.role === 'user') {
        lastUser = i;
        break;
      }
    }
    if (lastUser < 0) return UNRECOGNISED_TEXT;
    const target = recognise(messages[lastUser]!.content, system);
    if (!target) {
      const pushed = pushbackAnswer(messages, lastUser, system, recognise, profile);
      if (pushed === undefined) return UNRECOGNISED_TEXT;
      const structured = (req.body as { response_format?: { type?: unknown } } | undefined)?.response_format?.type === 'json_schema';
      return 'id' in pushed ? (structured ? JSON.stringify({ answer: pushed.id }) : pushed.id) : pushed.text;
    }

    // Seeded per (model, request seed, conversation); identical conversations (parallel samples without a
    // request seed) take successive draws. The request seed (`run.seed + sample`) keeps samples apart
    // whatever order their requests arrive in, so a run with `run.seed` is reproducible.
    const body = (req.body ?? {}) as { temperature?: unknown; seed?: unknown; response_format?: { type?: unknown; json_schema?: { schema?: unknown } } };
    const temperature = typeof body.temperature === 'number' ? body.temperature : 1;
    const convoKey = typeof body.seed === 'number' ? `${req.model}\u0000${body.seed}\u0000${JSON.stringify(messages)}` : `${req.model}\u0000${JSON.stringify(messages)}`;
    // Two independent 32-bit hashes: a compact key, so a long run does not keep every conversation's text.
    const seen = `${hashString(convoKey, 1)}.${hashString(convoKey, 2)}`;
    const bySeed = profile.seeded === true && typeof body.seed === 'number';
    const n = temperature === 0 ? 0 : bySeed ? (body.seed as number) : (occurrences.get(seen) ?? 0);
    if (!bySeed) occurrences.set(seen, n + 1);
    const random = seededRandom(hashString(convoKey, (profile.seed ?? 0) * 7919 + n));

    const u = random();
    if (u < (profile.refusalRate ?? 0)) return REFUSAL_TEXT;
    if (u < (profile.refusalRate ?? 0) + (profile.unparsedRate ?? 0)) return UNPARSED_TEXT;

    const variantProfile = profile.variants?.[target.variant.name];
    const trait = (value: string): number => clamp01((profile.traits[value] ?? 0.5) + (variantProfile?.traits?.[value] ?? 0));
    const schema = body.response_format?.type === 'json_schema' ? body.response_format.json_schema?.schema : undefined;
    const noise = temperature === 0 ? 0 : ITEM_NOISE_SD * Math.min(2, Math.max(0.25, temperature));

    // The wording never draws from `random`, so the answers are those of the plain wording.
    const wordingOf = (answer: number | string): string | undefined => {
      if (profile.wording !== 'refusal') return undefined;
      const list = typeof answer === 'number' ? REFUSAL_WORDED_SCALE : REFUSAL_WORDED_CHOICE;
      return list[hashString(convoKey, 3) % list.length];
    };
    const earlier = messages.slice(0, lastUser);
    if (target.kind === 'principle') {
      const [x, y] = target.values;
      const order = profile.principle;
      let first: string;
      if (order === 'random') first = random() < 0.5 ? x : y;
      else if (order) first = (order.indexOf(x) === -1 ? Infinity : order.indexOf(x)) <= (order.indexOf(y) === -1 ? Infinity : order.indexOf(y)) ? x : y;
      else first = trait(x) >= trait(y) ? x : y;
      if (random() < (profile.principleNoise ?? 0)) first = first === x ? y : x;
      return format(first, schema, random, wordingOf(first));
    }
    if (target.kind === 'item') {
      // A session is one person: its first answer on a value draws that person's level, later items
      // of the value stay near what it already said, so items agree within a session and differ across.
      const said = statedScores(target.scenario, earlier, system, recognise).get(target.value);
      const spread = temperature === 0 ? 0 : (profile.spread ?? DEFAULT_SPREAD);
      const latent = said
        ? clamp01((said.total + trait(target.value) * PRIOR_WEIGHT) / (said.count + PRIOR_WEIGHT))
        : clamp01(trait(target.value) + gaussian(random) * spread);
      const level = target.reverse ? 1 - latent : latent;
      const { min, max } = target.scale;
      const x = Math.round(min + level * (max - min) + gaussian(random) * noise);
      return format(Math.min(max, Math.max(min, x)), schema, random, wordingOf(0));
    }

    const baseMode = variantProfile?.action ?? profile.action;
    const shift = (value: string): number => variantProfile?.traits?.[value] ?? 0;
    const levels = statedLevels(target.scenario, earlier, system, trait, shift, recognise);
    const held = new Map([...levels].map(([name, level]) => [name, level > 0.5] as const));
    // Obeying a stated policy overrides how it would otherwise act (aligned, contrary or random).
    const obeyed = profile.policy === 'obey' && policyText ? policyDecision(target, policyText, held) : undefined;
    const mode = obeyed !== undefined ? 'aligned' : baseMode;
    const implied = obeyed ?? (profile.decide === 'values' ? undefined : impliedAction(target, held, profile.priority));
    if (target.choices && target.choices.length > 0) {
      const ids = target.choices.map((c) => c.id);
      const pick = (from: string[]): string => from[Math.floor(random() * from.length)] ?? ids[0]!;
      // Where the hierarchy leaves the decision open (no held value, or a tie), a person still leans
      // the way its values pull hardest; a coin here would hide every value but the top-ranked one.
      const side = implied ?? leaningOf(target.scenario, levels, ids);
      let choice: string;
      if (mode === 'random' || side === undefined || !ids.includes(side)) choice = pick(ids);
      else if (mode === 'aligned') choice = side;
      else choice = pick(ids.filter((id) => id !== side));
      // Revision 2: the perturbations a profile follows (order, pressure, form) override the decision.
      const question = messages[lastUser]!.content;
      const listed = listedChoices(question, target.choices);
      if (profile.perturb?.order === 'follow' && listed.length) choice = listed[0]!;
      const pushed = profile.perturb?.pressure === 'follow' ? pressuredChoice(question, target) : undefined;
      if (pushed) choice = pushed;
      const form = formOf(question, target.choices);
      if (form) {
        // Position bias reads a form's options as a list too: the first one listed.
        const inForm = profile.perturb?.order === 'follow' ? form[0]!.choice : choice;
        const token = profile.perturb?.form === 'follow' ? form[0]!.token : form.find((f) => f.choice === inForm)?.token;
        if (token !== undefined) return format(token, schema, random);
      }
      return format(choice, schema, random, wordingOf(choice));
    }
    const scale = target.scale ?? { min: 1, max: 7, range: { start: 0, end: 0 } };
    if (mode === 'random') return format(scale.min + Math.floor(random() * (scale.max - scale.min + 1)), schema, random, wordingOf(0));
    // The side comes from the arbiter; how far into it from how strongly the values pull, so the
    // score varies with the stated values (what the path model and the SEM estimate).
    const pull = pullOf(target.scenario, levels);
    let side: 'high' | 'low' = implied === 'high' || implied === 'low' ? implied : pull >= 0 ? 'high' : 'low';
    if (mode === 'contrary') side = side === 'high' ? 'low' : 'high';
    const mid = (scale.min + scale.max) / 2;
    const depth = clamp01(Math.abs(pull) * 2 + gaussian(random) * (profile.actionNoise ?? 0.15));
    const reach = (scale.max - scale.min) / 2;
    const x = side === 'high' ? Math.max(Math.floor(mid) + 1, Math.round(mid + depth * reach)) : Math.min(Math.ceil(mid) - 1, Math.round(mid - depth * reach));
    return format(Math.min(scale.max, Math.max(scale.min, x)), schema, random, wordingOf(0));
  };
}

/**
 * Which values weigh in the decision: the conversation's own earlier answers when it has any
 * (history sessions), else the latent levels (stateless sessions), in both cases shifted by the
 * variant. A variant only shows where its text differs: items shared verbatim with the baseline are
 * answered as in the baseline (a real model could not know the variant either), so a trait shift
 * shows up at the action, as a decision that departs from the values just stated.
 */
function statedLevels(
  scenario: Scenario,
  earlier: { role: string; content: string }[],
  system: string | undefined,
  trait: (value: string) => number,
  shift: (value: string) => number,
  recognise: (message: string, system: string | undefined) => Target | undefined,
): Map<string, number> {
  const sums = statedScores(scenario, earlier, system, recognise);
  const levels = new Map<string, number>();
  for (const { name } of scenario.values) {
    const s = sums.get(name);
    levels.set(name, s ? clamp01(s.total / s.count + shift(name)) : trait(name));
  }
  return levels;
}

/** How hard the values pull the action up (+) or down (-), -0.5..0.5: their levels signed by `expect`. */
function pullOf(scenario: Scenario, levels: Map<string, number>): number {
  let sum = 0;
  let n = 0;
  for (const e of scenario.action?.expect ?? []) {
    const level = levels.get(e.value);
    if (level === undefined || (e.target !== 'positive' && e.target !== 'negative')) continue;
    sum += (level - 0.5) * (e.target === 'positive' ? 1 : -1);
    n++;
  }
  return n ? sum / n : 0;
}

/**
 * The choice the values pull towards hardest: each value's level above or below the midpoint counts
 * for the choice its `expect` names (a choice no value names stays at 0). Undefined on a tie.
 */
function leaningOf(scenario: Scenario, levels: Map<string, number>, ids: readonly string[]): string | undefined {
  const pull = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const e of scenario.action?.expect ?? []) {
    const level = levels.get(e.value);
    if (level === undefined || !pull.has(e.target)) continue;
    pull.set(e.target, (pull.get(e.target) ?? 0) + (level - 0.5));
  }
  const ranked = [...pull].sort((a, b) => b[1] - a[1]);
  return ranked[0] && (ranked.length === 1 || ranked[0][1] > ranked[1]![1]) ? ranked[0][0] : undefined;
}

/** Sum and count of the normalised, reverse-coded item answers the conversation has given per value. */
function statedScores(
  scenario: Scenario,
  earlier: { role: string; content: string }[],
  system: string | undefined,
  recognise: (message: string, system: string | undefined) => Target | undefined,
): Map<string, { total: number; count: number }> {
  const sums = new Map<string, { total: number; count: number }>();
  for (let i = 0; i + 1 < earlier.length; i++) {
    if (earlier[i]!.role !== 'user' || earlier[i + 1]!.role !== 'assistant') continue;
    const t = recognise(earlier[i]!.content, system);
    if (t?.kind !== 'item' || t.scenario !== scenario) continue;
    const x = readNumber(earlier[i + 1]!.content);
    if (x === undefined || x < t.scale.min || x > t.scale.max) continue;
    const coded = t.reverse ? t.scale.min + t.scale.max - x : x;
    const s = sums.get(t.value) ?? { total: 0, count: 0 };
    s.total += (coded - t.scale.min) / (t.scale.max - t.scale.min);
    s.count++;
    sums.set(t.value, s);
  }
  return sums;
}

function readNumber(text: string): number | undefined {
  const json = /"[A-Za-z_]+"\s*:\s*(-?\d+)/.exec(text);
  if (json) return Number(json[1]);
  const lone = /(-?\d+)/.exec(text);
  return lone ? Number(lone[1]) : undefined;
}

/**
 * The decision a stated policy asks for, read from its text alone: the choice a hard constraint names
 * ("you must choose decline (...)", or for a scale "an answer above/below"), else the target of the
 * first held value in its priority list (values named by their labels). Undefined when it decides nothing.
 */
function policyDecision(target: ActionTarget, text: string, held: Map<string, boolean>): string | undefined {
  const must = /you must choose (an answer (above|below)|([A-Za-z0-9_-]+))/.exec(text);
  if (must) return must[2] ? (must[2] === 'above' ? 'high' : 'low') : must[3];
  const priority = /Priority of values when they conflict, highest first: (.*?)\. Among the values you hold/.exec(text);
  if (!priority) return undefined;
  const labels = priority[1]!.split(/; \d+\. |^\d+\. /).map((x) => x.replace(/ \(stands for .*\)$/, '').trim()).filter(Boolean);
  for (const label of labels) {
    const value = target.scenario.values.find((v) => v.label === label);
    if (!value || !held.get(value.name)) continue;
    const e = target.scenario.action?.expect.find((x) => x.value === value.name);
    if (e) return e.target === 'positive' ? 'high' : e.target === 'negative' ? 'low' : e.target;
  }
  return undefined;
}

/** The arbiter of method.md over held values: first applicable rule, else the vote of held values. */
function impliedAction(target: ActionTarget, held: Map<string, boolean>, priority?: string[]): string | undefined {
  const { scenario } = target;
  const expect = new Map<string, string>();
  for (const e of scenario.action?.expect ?? []) {
    expect.set(e.value, e.target === 'positive' ? 'high' : e.target === 'negative' ? 'low' : e.target);
  }
  const vars = effectiveVars(scenario, target.variant, target.persona);
  for (const rule of scenario.arbitration) {
    if (rule.kind === 'when') {
      let applies = true;
      for (const [name, entry] of rule.when) if (vars.get(name) !== entry.value) applies = false;
      if (applies && rule.require) return rule.require.value;
    } else {
      const order = priority ?? rule.rank.map((r) => r.value);
      const first = order.find((v) => held.get(v));
      if (first) return expect.get(first);
    }
  }
  const votes = new Map<string, number>();
  for (const [value, isHeld] of held) {
    const direction = expect.get(value);
    if (isHeld && direction) votes.set(direction, (votes.get(direction) ?? 0) + 1);
  }
  let best: string | undefined;
  let bestVotes = 0;
  let tie = false;
  for (const [direction, count] of votes) {
    if (count > bestVotes) {
      best = direction;
      bestVotes = count;
      tie = false;
    } else if (count === bestVotes) tie = true;
  }
  return tie ? undefined : best;
}

/** The choice ids in the order the default action question lists them (`- <id>: <label>` lines). */
function listedChoices(question: string, choices: readonly { id: string; label: string }[]): string[] {
  const out: string[] = [];
  for (const m of question.matchAll(/^- ([^:\n]+): /gm)) if (choices.some((c) => c.id === m[1])) out.push(m[1]!);
  return out;
}

/** The choice a pressure line names: a choice label in the text between the prompt and the choices list. */
function pressuredChoice(question: string, target: ActionTarget): string | undefined {
  const at = question.indexOf(target.text);
  const end = question.indexOf('\n\nChoose one of:');
  if (at < 0 || end < 0) return undefined;
  const between = question.slice(at + target.text.length, end);
  return target.choices?.find((c) => between.includes(c.label))?.id;
}

/** A question form's options as (token, choice): A/B lines, repeated labels, or "Do you prefer a over b". */
function formOf(question: string, choices: readonly { id: string; label: string }[] | undefined): { token: string; choice: string }[] | undefined {
  if (!choices?.length) return undefined;
  const byLabel = (label: string) => choices.find((c) => c.label === label.trim())?.id;
  const ab = [...question.matchAll(/^([A-Z])\. (.+)$/gm)].map((m) => ({ token: m[1]!, choice: byLabel(m[2]!) }));
  if (ab.length >= 2 && ab.every((x) => x.choice)) return ab as { token: string; choice: string }[];
  const cmp = /"([^"\n]+)" over "([^"\n]+)"/.exec(question);
  if (cmp && byLabel(cmp[1]!) && byLabel(cmp[2]!)) return [{ token: 'yes', choice: byLabel(cmp[1]!)! }, { token: 'no', choice: byLabel(cmp[2]!)! }];
  const repeat = [...question.matchAll(/^- (.+)$/gm)].map((m) => ({ token: m[1]!.trim(), choice: byLabel(m[1]!) }));
  if (repeat.length >= 2 && repeat.every((x) => x.choice)) return repeat as { token: string; choice: string }[];
  return undefined;
}

/**
 * A pushback turn ("Are you sure? ... choose "<label>" instead"): an unrecognised user turn after an
 * answered action. 'follow' switches to the choice the turn names; 'ignore' repeats the answer standing.
 */
function pushbackAnswer(messages: readonly { role: string; content: string }[], lastUser: number, system: string | undefined,
  recognise: (message: string, system: string | undefined) => Target | undefined, profile: RespondentProfile): { id: string } | { text: string } | undefined {
  let action: ActionTarget | undefined;
  for (let i = lastUser - 1; i >= 0 && !action; i--) {
    if (messages[i]!.role !== 'user') continue;
    const t = recognise(messages[i]!.content, system);
    if (t?.kind === 'action' && t.choices?.length) action = t;
  }
  if (!action?.choices) return undefined;
  const previous = messages[lastUser - 1];
  if (previous?.role !== 'assistant') return undefined;
  const turn = messages[lastUser]!.content;
  if (profile.perturb?.pushback === 'follow') {
    const named = action.choices.find((c) => turn.includes(`"${c.label}"`));
    if (named) return { id: named.id };
  }
  return { text: previous.content };
}

/** A JSON object shaped by the request's schema when it asks for one, else plain text. */
function format(answer: number | string, schema: unknown, random: () => number, wording?: string): string {
  if (schema && typeof schema === 'object') {
    const properties = (schema as { properties?: Record<string, { type?: unknown; enum?: unknown }> }).properties;
    if (!properties || Object.keys(properties).length === 0) return JSON.stringify({ answer });
    const out: Record<string, unknown> = {};
    let placed = false;
    for (const [name, prop] of Object.entries(properties)) {
      const type = prop?.type;
      if (!placed && typeof answer === 'number' && (type === 'integer' || type === 'number')) {
        out[name] = answer;
        placed = true;
      } else if (!placed && typeof answer === 'string' && (Array.isArray(prop?.enum) || type === 'string')) {
        out[name] = answer;
        placed = true;
      } else if (type === 'string') out[name] = 'Simulated answer.';
      else if (type === 'integer' || type === 'number') out[name] = 0;
      else if (type === 'boolean') out[name] = false;
    }
    return JSON.stringify(out);
  }
  const plain = random() < 0.8 ? String(answer) : `My answer: ${answer}`;
  return wording ? wording.replace('{x}', String(answer)) : plain;
}

/**
 * The profiles `scripts/test-server.mjs` serves (and the VAAR calibration test runs): latent levels for
 * every value of the scenarios, alternately strong and weak so arbitration has work to do. `seed`
 * offsets each profile's seed (default 0: sim-aligned 1, sim-contrary 2, sim-weak 3, sim-values 4).
 */
export function simulatedProfiles(scenarios: readonly Scenario[], seed = 0): Record<'sim-aligned' | 'sim-contrary' | 'sim-weak' | 'sim-values', RespondentProfile> {
  const traits: Record<string, number> = {};
  const levels = [0.7, 0.35, 0.65, 0.4];
  for (const s of scenarios) s.values.forEach((v, i) => { traits[v.name] ??= levels[i % levels.length]!; });
  const common = { traits, spread: 0.2, unparsedRate: 0.02, refusalRate: 0.01 };
  return {
    'sim-aligned': { ...common, action: 'aligned', seed: seed + 1 },
    'sim-contrary': { ...common, action: 'contrary', seed: seed + 2 },
    // Follows its stated values, but only loosely: a third group for the paper-replication MGSEM.
    'sim-weak': { ...common, action: 'aligned', actionNoise: 0.6, spread: 0.25, seed: seed + 3 },
    // Acts on every value it states, weighed, not on the scenario's ranking: the VAAR calibration's positive control.
    'sim-values': { ...common, action: 'aligned', decide: 'values', seed: seed + 4 },
  };
}
