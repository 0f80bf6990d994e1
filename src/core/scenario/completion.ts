import { cursorAt, placeholderAt, type KeyPath } from './cursor';
import type { Scenario, Span } from './model';
import type { ParsedScenario } from './parse';
import { childKeys, fieldDoc } from './schema';

/** One completion proposal; `insertText` replaces `range` in the document. */
export interface CompletionCandidate {
  label: string;
  kind: 'field' | 'value' | 'choice' | 'placeholder' | 'variable' | 'enum';
  detail?: string;
  documentation?: string;
  insertText: string;
  range: Span;
}

/** Names the file defines, read from the (best-effort) scenario model. */
export interface ScenarioNames {
  values: { name: string; label: string }[];
  choices: { id: string; label: string }[];
  /** True when the action has a `scale` instead of `choices`. */
  scale: boolean;
  vars: string[];
}

/** Value names, choice ids and var names defined in a scenario (empty lists without one). */
export function scenarioNames(s: Scenario | undefined): ScenarioNames {
  if (!s) return { values: [], choices: [], scale: false, vars: [] };
  const vars = new Set<string>(s.vars.keys());
  for (const p of s.personas) for (const k of p.keys()) vars.add(k);
  for (const v of s.variants) for (const k of v.vars.keys()) vars.add(k);
  return {
    values: s.values.map((v) => ({ name: v.name, label: v.label })),
    choices: (s.action?.choices ?? []).map((c) => ({ id: c.id, label: c.label })),
    scale: !!s.action?.scale,
    vars: [...vars],
  };
}

const is = (path: KeyPath, ...pattern: (string | number | '*')[]): boolean =>
  path.length === pattern.length && pattern.every((p, i) => p === '*' ? true : path[i] === p);

/** Completion proposals at `offset`: schema keys, value names, choice ids, placeholder names. */
export function completeAt(parsed: ParsedScenario, offset: number): CompletionCandidate[] {
  const names = scenarioNames(parsed.scenario);
  const ph = placeholderAt(parsed.text, offset);
  const at = cursorAt(parsed, offset);
  if (ph && at.kind !== 'key') {
    return names.vars.map((v) => ({
      label: v, kind: 'placeholder' as const, detail: 'placeholder',
      insertText: ph.closed ? v : `${v}}}`, range: ph.range,
    }));
  }
  const range = at.range;
  const valueNames = (taken: readonly string[], suffix: string): CompletionCandidate[] =>
    names.values.filter((v) => !taken.includes(v.name) || v.name === at.word)
      .map((v) => ({ label: v.name, kind: 'value' as const, detail: `value: ${v.label}`, insertText: v.name + suffix, range }));
  const targets = (): CompletionCandidate[] => names.scale
    ? ['positive', 'negative'].map((t) => ({ label: t, kind: 'enum' as const, insertText: t, range }))
    : names.choices.map((ch) => ({ label: ch.id, kind: 'choice' as const, detail: `choice: ${ch.label}`, insertText: ch.id, range }));

  if (at.kind === 'key') {
    const p = at.path;
    if (is(p, 'action', 'expect') || is(p, 'variants', '*', 'values')) return valueNames(at.siblings, ': ');
    if (is(p, 'arbitration', '*', 'when') || is(p, 'vars') || is(p, 'variants', '*', 'vars') || is(p, 'personas', '*')) {
      return names.vars.filter((v) => !at.siblings.includes(v) || v === at.word)
        .map((v) => ({ label: v, kind: 'variable' as const, detail: 'var', insertText: `${v}: `, range }));
    }
    return childKeys(p).filter((k) => !at.siblings.includes(k.key) || k.key === at.word).map((k) => ({
      label: k.key, kind: 'field' as const, detail: k.required ? 'required' : undefined,
      documentation: k.description, insertText: `${k.key}: `, range,
    }));
  }
  if (at.kind === 'value') {
    const p = at.path;
    if (is(p, 'action', 'expect', '*')) return targets();
    if (is(p, 'arbitration', '*', 'require')) {
      return names.scale ? ['high', 'low'].map((t) => ({ label: t, kind: 'enum' as const, insertText: t, range })) : targets();
    }
    if (is(p, 'arbitration', '*', 'rank', '*')) return valueNames([], '');
    if (is(p, 'run', 'order', '*')) {
      return [...valueNames([], ''), { label: 'action', kind: 'enum' as const, detail: 'the decision', insertText: 'action', range }];
    }
    const doc = fieldDoc(p);
    return (doc?.enum ?? []).map((e) => ({ label: e, kind: 'enum' as const, insertText: e, range }));
  }
  return [];
}
