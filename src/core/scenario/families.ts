/**
 * Revision 2, `perturb`: the generated variant families. Each authored variant gets members named
 * `<variant>~<kind>[-<n>]` (`baseline~order-2`, `baseline~form-repeat`, `insurer~authority`), made from
 * the file alone and deterministic for `perturb.seed`:
 *
 * - `order-<n>`: the choices in another order (every permutation for up to 3 choices, numbered in
 *   lexicographic order with the authored order as `order-1`; for more choices only the reversed order,
 *   `order-2`);
 * - `form-<form>`: the action asked in one of the shipped (or overridden) question forms;
 * - `<pressure kind>`: a framing line added to the action turn, pushing towards one of the choices
 *   (which one rotates with the sample, from an offset the seed fixes, so every choice is pushed
 *   equally often and the line's effect shows as a change in the distribution whatever the model prefers).
 *
 * Pushback turns (`perturb.pushback`) generate no member: they follow the action of the authored
 * variant's own sessions. A member asks no `principle` question (the authored sessions do). Paraphrases and translations are not generated here (not implemented yet:
 * they need `dilemma generate` and a reviewed `.dilemma.gen.yaml`; a run never sends unread text).
 */
import type { Choice, PerturbForm, PressureKind, Scenario, Template, Variant, VarSet } from './model';
import { DEFAULT_FORM_TEMPLATES, DEFAULT_PRESSURE_TEMPLATES, DEFAULT_PUSHBACK_TEMPLATE } from './perturbTemplates';
import { effectiveVars, renderTemplate, type RenderedVariant } from './render';

/** Separates an authored variant's name from its generated member's kind. */
export const FAMILY_SEPARATOR = '~';

/** One generated member of an authored variant's family. */
export interface FamilyMember {
  /** `<authored>~<kind>[-<n>]`. */
  name: string;
  authored: string;
  /** The perturbation kind the metrics group by: `order`, `form-ab`, `form-repeat`, `form-compare`, or a pressure kind. */
  kind: string;
  /** `order`: the authored choices' indices in the order presented. */
  order?: number[];
  form?: PerturbForm;
  pressure?: PressureKind;
  /** `pressure`: sample s pushes towards choice (s + offset) mod the number of choices. */
  offset?: number;
}

/** The choices a variant asks (its own, else the scenario's); undefined for a scale action. */
export function variantChoices(s: Scenario, v: Variant): Choice[] | undefined {
  if (s.action?.scale && !v.action?.choices) return undefined;
  return v.action?.choices ?? s.action?.choices;
}

/** Every permutation of 0..n-1 in lexicographic order (the identity first). */
function permutations(n: number): number[][] {
  const out: number[][] = [];
  const walk = (prefix: number[], rest: number[]): void => {
    if (rest.length === 0) {
      out.push(prefix);
      return;
    }
    for (let i = 0; i < rest.length; i++) walk([...prefix, rest[i]!], [...rest.slice(0, i), ...rest.slice(i + 1)]);
  };
  walk([], [...Array(n).keys()]);
  return out;
}

/** A 32-bit FNV-1a hash of the parts, seeded: fixes the pressure offsets for `perturb.seed`. */
function hash(seed: number, ...parts: string[]): number {
  let h = (2166136261 ^ (seed >>> 0)) >>> 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p.charCodeAt(i), 16777619) >>> 0;
    h = Math.imul(h ^ 0, 16777619) >>> 0;
  }
  return h >>> 0;
}

/** The generated members of one authored variant, in a fixed order: orders, forms, pressure. */
export function familyMembers(s: Scenario, v: Variant): FamilyMember[] {
  const p = s.perturb;
  if (!p || v.name.includes(FAMILY_SEPARATOR)) return [];
  const choices = variantChoices(s, v);
  if (!choices || choices.length < 2) return [];
  const n = choices.length;
  const out: FamilyMember[] = [];
  const member = (suffix: string, kind: string, extra: Partial<FamilyMember>): void => {
    out.push({ name: `${v.name}${FAMILY_SEPARATOR}${suffix}`, authored: v.name, kind, ...extra });
  };
  if (p.choiceOrder) {
    if (n <= 3) permutations(n).slice(1).forEach((order, i) => member(`order-${i + 2}`, 'order', { order }));
    else member('order-2', 'order', { order: [...Array(n).keys()].reverse() });
  }
  for (const form of p.forms) {
    if (form === 'compare' && n !== 2) continue;
    member(`form-${form}`, `form-${form}`, { form });
  }
  const seed = p.seed ?? 0;
  for (const kind of p.pressure) member(kind, kind, { pressure: kind, offset: hash(seed, v.name, kind) % n });
  return out;
}

/** Authored variants, each followed by its members: every name a run with this scenario plans. */
export function familyNames(s: Scenario): string[] {
  return s.variants.flatMap((v) => [v.name, ...familyMembers(s, v).map((m) => m.name)]);
}

/** An authored variant, or a generated member with its authored variant; undefined for an unknown name. */
export function resolveVariant(s: Scenario, name: string): { variant: Variant; member?: FamilyMember } | undefined {
  const at = name.indexOf(FAMILY_SEPARATOR);
  const variant = s.variants.find((v) => v.name === (at < 0 ? name : name.slice(0, at)));
  if (!variant) return undefined;
  if (at < 0) return { variant };
  const member = familyMembers(s, variant).find((m) => m.name === name);
  return member ? { variant, member } : undefined;
}

/** The perturbation kind of a member name (`order-3` -> `order`), undefined for an authored name. */
export function memberKind(name: string): string | undefined {
  const at = name.indexOf(FAMILY_SEPARATOR);
  if (at < 0) return undefined;
  const suffix = name.slice(at + 1);
  return /^order-\d+$/.test(suffix) ? 'order' : suffix;
}

const asTemplate = (text: string): Template => ({ text, range: { start: 0, end: 0 }, placeholders: [] });

/** Slots left in a text for the session to fill (`{{target}}`, `{{answer}}`), kept as written. */
const LATE_SLOTS = ['target', 'answer'] as const;

/** Fills a template with the variant's vars and the given slots; late slots stay as `{{name}}`. */
function fill(t: Template, vars: Map<string, string>, slots: Record<string, string>): string {
  const all = new Map(vars);
  for (const name of LATE_SLOTS) all.set(name, `{{${name}}}`);
  for (const [k, x] of Object.entries(slots)) all.set(k, x);
  return renderTemplate(t, all).text;
}

/** Fills the late slots a session knows only when it asks (`{{target}}`, `{{answer}}`). */
export function fillLate(text: string, slots: { target?: string; answer?: string }): string {
  let out = text;
  if (slots.target !== undefined) out = out.split('{{target}}').join(slots.target);
  if (slots.answer !== undefined) out = out.split('{{answer}}').join(slots.answer);
  return out;
}

/** The question-form tokens: the answer the form asks for, and the choice it means. */
export interface FormAnswer {
  token: string;
  choice: string;
}

/** A form's question, and what each answer it allows means. */
export interface RenderedForm {
  form: PerturbForm;
  question: string;
  answers: FormAnswer[];
}

/** A pressure line (with `{{target}}` left for the session) and the rotation of its target. */
export interface RenderedPressure {
  kind: PressureKind;
  line: string;
  offset: number;
}

/**
 * The prompts of a member: the authored variant's rendering with the choices reordered, the action
 * asked in a form, or a pressure line added. `rendered` is the authored variant's, for the same persona.
 */
export function renderMember(s: Scenario, v: Variant, member: FamilyMember, rendered: RenderedVariant, persona?: VarSet): RenderedVariant {
  const vars = effectiveVars(s, v, persona);
  const choices = rendered.action.choices ?? [];
  const action = { ...rendered.action };
  if (member.order) action.choices = member.order.map((i) => choices[i]!).filter(Boolean);
  const templates = s.perturb?.templates;
  if (member.form) {
    const t = templates?.forms.get(member.form) ?? asTemplate(DEFAULT_FORM_TEMPLATES[member.form]);
    const prompt = rendered.action.prompt.trimEnd();
    if (member.form === 'compare') {
      const [a, b] = [choices[0]!, choices[1]!];
      action.form = { form: 'compare', question: fill(t, vars, { prompt, a: a.label, b: b.label }), answers: [{ token: 'yes', choice: a.id }, { token: 'no', choice: b.id }] };
    } else if (member.form === 'ab') {
      const letters = choices.map((c, i) => ({ token: String.fromCharCode(65 + i), choice: c.id, label: c.label }));
      const options = letters.map((l) => `${l.token}. ${l.label}`).join('\n');
      action.form = { form: 'ab', question: fill(t, vars, { prompt, options }), answers: letters.map(({ token, choice }) => ({ token, choice })) };
    } else {
      const options = choices.map((c) => `- ${c.label}`).join('\n');
      action.form = { form: 'repeat', question: fill(t, vars, { prompt, options }), answers: choices.map((c) => ({ token: c.label, choice: c.id })) };
    }
  }
  if (member.pressure) {
    const t = templates?.pressure.get(member.pressure) ?? asTemplate(DEFAULT_PRESSURE_TEMPLATES[member.pressure]);
    action.pressure = { kind: member.pressure, line: fill(t, vars, {}), offset: member.offset ?? 0 };
  }
  const out: RenderedVariant = { ...rendered, variant: member.name, action };
  // Pushback and the principle question belong to the authored sessions: a member only perturbs the action.
  delete out.pushback;
  delete out.principle;
  return out;
}

/** The pushback turn of a variant for one persona (`{{answer}}` and `{{target}}` left for the session). */
export function renderPushback(s: Scenario, v: Variant, persona?: VarSet): { turns: number; text: string } | undefined {
  const p = s.perturb?.pushback;
  if (!p || !variantChoices(s, v)) return undefined;
  const t = s.perturb?.templates.pushback ?? asTemplate(DEFAULT_PUSHBACK_TEMPLATE);
  return { turns: p.turns, text: fill(t, effectiveVars(s, v, persona), {}) };
}

/** The choice a pressure line pushes towards in a sample: rotates through the choices as presented. */
export function pressureTarget<C>(choices: readonly C[], pressure: RenderedPressure, sample: number): C | undefined {
  return choices.length ? choices[(sample + pressure.offset) % choices.length] : undefined;
}
