import type { ArbitrationRule, Scenario, Variant, VarSet } from '../scenario/model';
import { effectiveVars, renderVariant, type RenderedVariant } from '../scenario/render';
import { wordDiff } from './textDiff';

/** One difference between the scenario version a baseline ran with and the candidate's. */
export interface ScenarioChange {
  /** What kind of thing changed; `variant` names the variant when it is one variant's. */
  what: 'variant-added' | 'variant-removed' | 'first-variant' | 'system-prompt' | 'items' | 'action-prompt' | 'choices' | 'vars'
    | 'action-kind' | 'arbitration' | 'expect' | 'values' | 'personas' | 'run';
  variant?: string;
  detail: string;
}

/**
 * Which comparisons the changes allow. `null` means comparable; a string says why not. Prompt wording,
 * vars and items are what a change under test usually is, so they never block a comparison; the
 * yardsticks do: the divergence of two runs judged by different arbitration rules, expectations or
 * "held" thresholds measures two different things, and so do path signs under a different `expect`.
 */
export interface Comparability {
  divergence: string | null;
  vaar: string | null;
  /** Whether samples with the same persona index and sample index are the same condition on both sides. */
  pairing: string | null;
  /** Per variant present on both sides: null, or why its action distributions cannot be compared. */
  distribution: Map<string, string | null>;
}

/** The changes between two versions of a scenario, and what they leave comparable. */
export interface ScenarioDiff {
  changes: ScenarioChange[];
  comparability: Comparability;
}

/** A text on one line, quoted, cut to `max` characters with `…`; `none` when there is no text. */
export function quotedExcerpt(s: string | undefined, max = 60, none = '(none)'): string {
  if (s === undefined) return none;
  const flat = s.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat);
}

/**
 * A changed text as its changed words: `"old words" → "new words"` per changed stretch (at most three),
 * so a long prompt shows what differs instead of a shared prefix. Short texts are shown whole.
 */
function textChange(before: string | undefined, after: string | undefined): string {
  if (before === undefined || after === undefined || (before.length <= 60 && after.length <= 60)) return `${quotedExcerpt(before)} → ${quotedExcerpt(after)}`;
  const hunks: { removed: string; added: string }[] = [];
  let open: { removed: string; added: string } | undefined;
  for (const seg of wordDiff(before, after).segments) {
    if (seg.kind === 'equal') {
      // A space shared between two changed words belongs to the change: "a b" -> "c d" is one stretch.
      if (open && seg.text.trim() === '') {
        open.removed += seg.text;
        open.added += seg.text;
      } else open = undefined;
      continue;
    }
    if (!open) hunks.push((open = { removed: '', added: '' }));
    open[seg.kind] += seg.text;
  }
  const shown = hunks.slice(0, 3).map((h) => `${quotedExcerpt(h.removed || undefined, 40)} → ${quotedExcerpt(h.added || undefined, 40)}`);
  return `${shown.join('; ')}${hunks.length > 3 ? `; and ${hunks.length - 3} more` : ''}`;
}

const varsObject = (vars: ReadonlyMap<string, string> | VarSet | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  if (vars) for (const [k, v] of vars) out[k] = typeof v === 'string' ? v : v.value;
  return out;
};

/** The arbitration rules without source positions, in order: what the arbiter actually does. */
const canonicalRules = (rules: readonly ArbitrationRule[]): string => JSON.stringify(rules.map((r) => (r.kind === 'when'
  ? { when: Object.entries(varsObject(r.when)).sort(), require: r.require?.value }
  : { rank: r.rank.map((x) => x.value) })));

const canonicalExpect = (s: Scenario): string => JSON.stringify((s.action?.expect ?? []).map((e) => [e.value, e.target]));

/** What decides whether a value is held: its scale and which items are reverse-coded. */
const canonicalValues = (s: Scenario): string => JSON.stringify(s.values.map((v) => ({
  name: v.name, min: v.scale?.min, max: v.scale?.max, reverse: v.items.filter((i) => i.reverse).map((i) => i.id).sort(),
})));

const actionKind = (r: RenderedVariant): string => (r.action.scale ? `a ${r.action.scale.min}..${r.action.scale.max} scale` : 'a choice');

function listDiff<T>(before: readonly T[], after: readonly T[]): { added: T[]; removed: T[] } {
  return { added: after.filter((x) => !before.includes(x)), removed: before.filter((x) => !after.includes(x)) };
}

function varChanges(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((k) => before[k] !== after[k]).map((k) => `${k}: ${quotedExcerpt(before[k])} → ${quotedExcerpt(after[k])}`);
}

/** Items (id -> text) reworded, added or removed, as phrases. */
function itemChanges(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const ids = listDiff([...before.keys()], [...after.keys()]);
  return [
    ...[...after.keys()].filter((id) => before.has(id) && before.get(id) !== after.get(id)).map((id) => `${id} reworded ${textChange(before.get(id), after.get(id))}`),
    ...(ids.added.length ? [`added ${ids.added.join(', ')}`] : []),
    ...(ids.removed.length ? [`removed ${ids.removed.join(', ')}`] : []),
  ];
}

/** The changes to one variant present on both sides, from its prompts as rendered for the first persona. */
function variantChanges(base: Scenario, cand: Scenario, bv: Variant, cv: Variant): { changes: ScenarioChange[]; distribution: string | null } {
  const changes: ScenarioChange[] = [];
  const variant = cv.name;
  const b = renderVariant(base, bv, base.personas[0]);
  const c = renderVariant(cand, cv, cand.personas[0]);
  if ((b.system ?? '') !== (c.system ?? '')) changes.push({ what: 'system-prompt', variant, detail: `system prompt: ${textChange(b.system, c.system)}` });
  const bItems = new Map(b.values.flatMap((v) => v.items.map((i) => [i.id, i.text] as const)));
  const cItems = new Map(c.values.flatMap((v) => v.items.map((i) => [i.id, i.text] as const)));
  const itemParts = itemChanges(bItems, cItems);
  if (itemParts.length) changes.push({ what: 'items', variant, detail: `items: ${itemParts.join('; ')}` });
  if (b.action.prompt !== c.action.prompt) changes.push({ what: 'action-prompt', variant, detail: `action prompt: ${textChange(b.action.prompt, c.action.prompt)}` });
  const bChoices = (b.action.choices ?? []).map((x) => `${x.id}: ${x.label}`);
  const cChoices = (c.action.choices ?? []).map((x) => `${x.id}: ${x.label}`);
  const choiceDiff = listDiff(bChoices, cChoices);
  if (choiceDiff.added.length || choiceDiff.removed.length) {
    changes.push({ what: 'choices', variant, detail: `choices: ${[...choiceDiff.removed.map((x) => `- ${x}`), ...choiceDiff.added.map((x) => `+ ${x}`)].join('; ')}` });
  }
  const vars = varChanges(varsObject(effectiveVars(base, bv)), varsObject(effectiveVars(cand, cv)));
  if (vars.length) changes.push({ what: 'vars', variant, detail: `vars: ${vars.join('; ')}` });
  const kb = actionKind(b);
  const kc = actionKind(c);
  let distribution: string | null = null;
  if (kb !== kc) {
    distribution = `the action changed from ${kb} to ${kc}`;
    changes.push({ what: 'action-kind', variant, detail: distribution });
  }
  return { changes, distribution };
}

/**
 * What changed between the scenario version the baseline ran with and the candidate's, and which
 * comparisons that leaves meaningful (see `Comparability`). Variants are matched by name.
 */
export function scenarioChanges(base: Scenario, cand: Scenario): ScenarioDiff {
  const changes: ScenarioChange[] = [];
  const bNames = base.variants.map((v) => v.name);
  const cNames = cand.variants.map((v) => v.name);
  const names = listDiff(bNames, cNames);
  for (const v of names.removed) changes.push({ what: 'variant-removed', variant: v, detail: `variant ${JSON.stringify(v)} is only in the baseline's version` });
  for (const v of names.added) changes.push({ what: 'variant-added', variant: v, detail: `variant ${JSON.stringify(v)} is only in the candidate's version` });
  if (bNames[0] !== cNames[0]) changes.push({ what: 'first-variant', detail: `the first (baseline) variant is ${JSON.stringify(bNames[0])} in the baseline's version and ${JSON.stringify(cNames[0])} in the candidate's` });
  const distribution = new Map<string, string | null>();
  for (const cv of cand.variants) {
    const bv = base.variants.find((v) => v.name === cv.name);
    if (!bv) continue;
    const r = variantChanges(base, cand, bv, cv);
    changes.push(...r.changes);
    distribution.set(cv.name, r.distribution);
  }
  const yardsticks: string[] = [];
  if (canonicalRules(base.arbitration) !== canonicalRules(cand.arbitration)) {
    yardsticks.push('the arbitration rules');
    changes.push({ what: 'arbitration', detail: 'the arbitration rules changed' });
  }
  const expectChanged = canonicalExpect(base) !== canonicalExpect(cand);
  if (expectChanged) {
    yardsticks.push('`expect`');
    changes.push({ what: 'expect', detail: `action.expect changed: ${quotedExcerpt(canonicalExpect(base), 80)} → ${quotedExcerpt(canonicalExpect(cand), 80)}` });
  }
  if (canonicalValues(base) !== canonicalValues(cand)) {
    yardsticks.push('the values\' scales or reverse-coded items');
    changes.push({ what: 'values', detail: 'the values, their scales or their reverse-coded items changed (what counts as holding a value)' });
  }
  // A scale action's decision items (Revision 2): reworded, added or removed, as written (before rendering).
  const actionItems = (s: Scenario): Map<string, string> => new Map((s.action?.items ?? []).map((i) => [i.id, i.text.text] as const));
  const actionParts = itemChanges(actionItems(base), actionItems(cand));
  if (actionParts.length) changes.push({ what: 'items', detail: `action items: ${actionParts.join('; ')}` });
  const personas = (s: Scenario): string => JSON.stringify(s.personas.map((p) => Object.entries(varsObject(p)).sort()));
  const personasChanged = personas(base) !== personas(cand);
  if (personasChanged) changes.push({ what: 'personas', detail: `the personas changed (${base.personas.length} → ${cand.personas.length} entries)` });
  const run = (s: Scenario): Record<string, string> => ({
    session: s.run.session, order: s.run.order.join(','), 'shuffle-items': String(s.run.shuffleItems),
    temperature: String(s.run.temperature ?? ''), seed: String(s.run.seed ?? ''), 'max-tokens': String(s.run.maxTokens ?? ''),
    samples: s.run.sequential ? `${s.run.sequential.min}..${s.run.sequential.max} until ${s.run.sequential.until}` : String(s.run.samples),
    guard: String(s.run.guard ?? false),
  });
  const runChanges = varChanges(run(base), run(cand));
  if (runChanges.length) changes.push({ what: 'run', detail: `run settings: ${runChanges.join('; ')}` });
  const kinds = new Set([...distribution.values()].filter((x) => x !== null));
  return {
    changes,
    comparability: {
      divergence: yardsticks.length ? `divergence is judged by different rules on the two sides (${yardsticks.join(', ')} changed)` : null,
      vaar: expectChanged ? 'the expected path signs (`expect`) changed' : kinds.size ? 'the action changed kind' : null,
      pairing: personasChanged ? 'the personas changed, so the same persona index is not the same persona' : null,
      distribution,
    },
  };
}
