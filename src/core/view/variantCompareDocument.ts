/**
 * "Compare with baseline" (issue 10 §7): the two documents VS Code's diff editor sets side by side, one
 * for the baseline (the scenario's first variant) and one for the variant. They hold what the variant
 * changed, not one sample's whole transcript: the rendered prompts (the system prompt, only the items
 * whose text differs, the action prompt and its choices) as the scenario renderer renders them for the
 * first persona, then, separately, the modal answer per item and of the action over the model's
 * sessions. Both documents have the same headings in the same order, so the diff marks only what
 * differs; answer noise of single samples does not show. Plain text, no vscode.
 */
import type { SessionRecord } from '../run/record';
import type { Scenario, Variant } from '../scenario/model';
import { renderVariant, type RenderedVariant } from '../scenario/render';

/** The most frequent readable answer to one question over a variant's sessions. */
export interface ModalAnswer {
  /** `privacy.1` for an item, `action` for the action, `action.1` for an action item. */
  question: string;
  /** The modal answer as text (`5`, `decline`), or undefined when no session answered readably. */
  answer?: string;
  /** Sessions that gave the modal answer, and sessions with a readable answer. */
  count: number;
  n: number;
}

export interface VariantCompareDocuments {
  baseline: string;
  variant: string;
  /** Items whose rendered text differs (value/id), in the scenario's order. */
  changedItems: string[];
}

/**
 * The modal answer of each question: ties go to the answer seen first in session order (persona, sample),
 * so the text is stable for a given log. Only `ok` answers count.
 */
export function modalAnswers(records: readonly SessionRecord[], model: string, variant: string): ModalAnswer[] {
  const mine = records.filter((r) => r.model === model && r.variant === variant).sort((a, b) => a.persona - b.persona || a.sample - b.sample);
  const tallies = new Map<string, Map<string, number>>();
  const tally = (question: string, answer: string | undefined): void => {
    let t = tallies.get(question);
    if (!t) tallies.set(question, (t = new Map()));
    if (answer !== undefined) t.set(answer, (t.get(answer) ?? 0) + 1);
  };
  for (const r of mine) {
    for (const a of r.items) tally(a.item, a.status === 'ok' && a.answer !== undefined ? String(a.answer) : undefined);
    if (r.action) {
      const ok = r.action.status === 'ok';
      tally('action', ok ? r.action.choice ?? (r.action.score !== undefined ? String(r.action.score) : undefined) : undefined);
      for (const a of r.action.items ?? []) tally(a.item, a.status === 'ok' && a.answer !== undefined ? String(a.answer) : undefined);
    }
  }
  return [...tallies].map(([question, t]) => {
    let best: [string, number] | undefined;
    for (const e of t) if (!best || e[1] > best[1]) best = e;
    const n = [...t.values()].reduce((s, c) => s + c, 0);
    return best ? { question, answer: best[0], count: best[1], n } : { question, count: 0, n };
  });
}

const itemKey = (value: string, id: string): string => `${value}/${id}`;

function itemTexts(r: RenderedVariant): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of r.values) for (const i of v.items) out.set(itemKey(v.name, i.id), i.text);
  return out;
}

function choicesText(r: RenderedVariant): string[] {
  if (r.action.choices?.length) return ['', 'Choices:', ...r.action.choices.map((c) => `- ${c.id}: ${c.label}`)];
  if (r.action.scale) return ['', `Scale: ${r.action.scale.min}..${r.action.scale.max}`];
  return [];
}

function answersSection(name: string, model: string | undefined, records: readonly SessionRecord[], questions: readonly string[]): string[] {
  if (!model) return [`# Modal answers: ${name}`, '', 'No results yet: run the scenario to compare the answers.'];
  const answers = new Map(modalAnswers(records, model, name).map((a) => [a.question, a] as const));
  const sessions = records.filter((r) => r.model === model && r.variant === name).length;
  const lines = [`# Modal answers: ${name} · ${model} (${sessions} session${sessions === 1 ? '' : 's'})`, ''];
  if (sessions === 0) return [...lines, 'No session of this variant is recorded yet: run it first.'];
  for (const q of questions) {
    const a = answers.get(q);
    lines.push(`${q}: ${a?.answer === undefined ? 'no readable answer' : `${a.answer} (${a.count}/${a.n})`}`);
  }
  return lines;
}

/**
 * The baseline's and `variantName`'s documents. `model`: whose answers (undefined before any run: the
 * prompts are still compared). The questions of the answers section are the union of both sides', in the
 * order the scenario asks them (items, then the action), so the lines pair up.
 */
export function variantCompareDocuments(scenario: Scenario, variantName: string, records: readonly SessionRecord[], model?: string): VariantCompareDocuments {
  const base = scenario.variants[0];
  const variant = scenario.variants.find((v) => v.name === variantName);
  if (!base || !variant) {
    const none = `No variant ${variantName} in ${scenario.id}.\n`;
    return { baseline: none, variant: none, changedItems: [] };
  }
  const persona = scenario.personas[0];
  const rendered = new Map<Variant, RenderedVariant>([[base, renderVariant(scenario, base, persona)], [variant, renderVariant(scenario, variant, persona)]]);
  const left = rendered.get(base)!, right = rendered.get(variant)!;
  const leftItems = itemTexts(left), rightItems = itemTexts(right);
  const keys = [...new Set([...leftItems.keys(), ...rightItems.keys()])];
  const changedItems = keys.filter((k) => leftItems.get(k) !== rightItems.get(k));
  const questionOrder = [...new Set([...left.values, ...right.values].flatMap((v) => v.items.map((i) => i.id)))];
  const actionItems = [...new Set([...(left.action.items ?? []), ...(right.action.items ?? [])].map((i) => i.id))];
  const questions = [...questionOrder, 'action', ...actionItems];

  const doc = (v: Variant, r: RenderedVariant, items: Map<string, string>): string => {
    const lines = [`# Prompts: ${v.name} (rendered for the first persona)`, '', '## System prompt', r.system?.trim() || '(none)'];
    if (r.policy) lines.push('', '## Policy', r.policy.trim());
    for (const k of changedItems) lines.push('', `## Item ${k}`, items.get(k)?.trim() ?? '(not asked)');
    if (changedItems.length === 0) lines.push('', '## Items', `(the same ${items.size} item${items.size === 1 ? '' : 's'} on both sides)`);
    lines.push('', '## Action prompt', r.action.prompt.trim(), ...choicesText(r));
    for (const i of r.action.items ?? []) lines.push('', `## Action item ${i.id}`, i.text.trim());
    lines.push('', ...answersSection(v.name, model, records, questions));
    return `${lines.join('\n')}\n`;
  };
  return { baseline: doc(base, left, leftItems), variant: doc(variant, right, rightItems), changedItems };
}
