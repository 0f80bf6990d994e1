import type { Placeholder, Scenario, Variant, VarSet } from './model';
import { effectiveVars, renderTemplate } from './render';

/** The principle question of one pair of values, rendered both ways round. */
export interface RenderedPrinciple {
  /** The two values, in file order. */
  values: [string, string];
  labels: [string, string];
  /** `prompts[0]` names the first value as `{{a}}`, `prompts[1]` the second: sessions alternate, so neither is always named first. */
  prompts: [string, string];
}

/**
 * The `principle` prompt of a variant for one persona entry, for each pair of values (file order):
 * `{{a}}` and `{{b}}` are the two values' labels (slots that shadow any var of that name), every other
 * placeholder a var of the variant. Values without a valid scale are left out, as in `renderVariant`.
 */
export function renderPrinciples(s: Scenario, v: Variant, persona: VarSet | undefined, missing: Placeholder[]): RenderedPrinciple[] {
  if (!s.principle) return [];
  const template = s.principle.prompt;
  const values = s.values.filter((x) => x.scale);
  const out: RenderedPrinciple[] = [];
  for (let i = 0; i < values.length; i++) {
    for (let j = i + 1; j < values.length; j++) {
      const [x, y] = [values[i]!, values[j]!];
      const fill = (a: string, b: string): string => {
        const vars = effectiveVars(s, v, persona);
        vars.set('a', a);
        vars.set('b', b);
        const r = renderTemplate(template, vars);
        missing.push(...r.missing);
        return r.text;
      };
      out.push({ values: [x.name, y.name], labels: [x.label, y.label], prompts: [fill(x.label, y.label), fill(y.label, x.label)] });
    }
  }
  return out;
}
