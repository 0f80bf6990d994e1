import type { Placeholder, Scale, Scenario, Template, Variant, VarSet } from './model';
import { VAR_NAME } from './placeholders';
import { renderPolicy } from './renderPolicy';
import { renderPrinciples, type RenderedPrinciple } from './renderPrinciple';
import type { RenderedForm, RenderedPressure } from './families';

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/**
 * Fills a template's placeholders from `vars`. A placeholder with no value stays as written (`{{name}}`)
 * and is returned in `missing` with its own source range, so callers can refuse to send it or point at it.
 */
export function renderTemplate(t: Template, vars: ReadonlyMap<string, string>): { text: string; missing: Placeholder[] } {
  const missing: Placeholder[] = [];
  if (!t.text.includes('{{')) return { text: t.text, missing };
  // The n-th well-formed placeholder of the value is the n-th one found in the source, unless YAML escapes
  // or folding changed them; then the first located one with the same name stands in for its range.
  let index = 0;
  const text = t.text.replace(PLACEHOLDER, (whole, inner: string) => {
    const name = inner.trim();
    if (!VAR_NAME.test(name)) return whole;
    const located = t.placeholders[index]?.name === name ? t.placeholders[index] : t.placeholders.find((p) => p.name === name);
    index++;
    const value = vars.get(name);
    if (value !== undefined) return value;
    missing.push(located ?? { name, range: t.range, nameRange: t.range });
    return whole;
  });
  return { text, missing };
}

/** Vars in effect for a variant (scenario vars, then persona entry, then variant vars, later wins). */
export function effectiveVars(s: Scenario, v: Variant, persona?: VarSet): Map<string, string> {
  const out = new Map<string, string>();
  for (const set of [s.vars, persona, v.vars]) if (set) for (const [k, e] of set) out.set(k, e.value);
  return out;
}

/** One questionnaire item as sent to the model. */
export interface RenderedItem { id: string; value: string; text: string; reverse: boolean }
/** Every prompt of one variant for one persona entry, with the placeholders that had no value. */
export interface RenderedVariant {
  variant: string;
  system?: string;
  values: { name: string; label: string; scale: Scale; items: RenderedItem[] }[];
  /** `items`: Revision 2's several decision prompts of a scale action (the outcome's indicators), asked in turn. */
  action: {
    prompt: string; choices?: { id: string; label: string }[]; scale?: Scale; items?: { id: string; text: string }[];
    /** Revision 2, a `form-*` member of a `perturb` family: the action asked in this question form instead. */
    form?: RenderedForm;
    /** Revision 2, a pressure member of a `perturb` family: this line is added to the action turn. */
    pressure?: RenderedPressure;
  };
  /** Revision 2, `perturb.pushback`: after the action, this many turns of this text (`{{answer}}`, `{{target}}` filled by the session). */
  pushback?: { turns: number; text: string };
  /** Revision 2, `run.guard`: the arbitration rules as the policy, appended to `system` (absent when not guarded or nothing applies). */
  policy?: string;
  /** Revision 2: the `principle` question per pair of values (absent without a `principle` block). */
  principle?: RenderedPrinciple[];
  missing: Placeholder[];
}

/**
 * Renders every prompt of a variant for one persona entry: the system prompt (the variant's persona
 * template, else the scenario's), each value's items (the variant's rewording, else the scenario's) and
 * the action. Values without a valid scale are left out (the file has an error there already). With
 * `guard`, the arbitration rules that apply to it follow the system prompt as its policy (`renderPolicy`).
 */
export function renderVariant(s: Scenario, v: Variant, persona?: VarSet, options: { guard?: boolean } = {}): RenderedVariant {
  const vars = effectiveVars(s, v, persona);
  const missing: Placeholder[] = [];
  const fill = (t: Template) => {
    const r = renderTemplate(t, vars);
    missing.push(...r.missing);
    return r.text;
  };
  const out: RenderedVariant = { variant: v.name, values: [], action: { prompt: '' }, missing };
  const systemTemplate = v.persona ?? s.persona;
  if (systemTemplate) out.system = fill(systemTemplate);
  for (const value of s.values) {
    if (!value.scale) continue;
    const items = v.values?.get(value.name) ?? value.items;
    out.values.push({
      name: value.name,
      label: value.label,
      scale: value.scale,
      items: items.map((i) => ({ id: i.id, value: value.name, text: fill(i.text), reverse: i.reverse })),
    });
  }
  const prompt = v.action?.prompt ?? s.action?.prompt;
  if (prompt) out.action.prompt = fill(prompt);
  const choices = v.action?.choices ?? s.action?.choices;
  if (choices) out.action.choices = choices.map((c) => ({ id: c.id, label: c.label }));
  else if (s.action?.scale) {
    out.action.scale = s.action.scale;
    if (s.action.items?.length) out.action.items = s.action.items.map((i) => ({ id: i.id, text: fill(i.text) }));
  }
  // A guarded twin asks no principle question: its answers would be stated under the policy, and the
  // hierarchy is read from the unguarded sessions only.
  if (s.principle && !options.guard) out.principle = renderPrinciples(s, v, persona, missing);
  const policy = options.guard ? renderPolicy(s, vars) : undefined;
  if (policy) {
    out.policy = policy;
    out.system = out.system ? `${out.system.trimEnd()}\n\n${policy}` : policy;
  }
  return out;
}
