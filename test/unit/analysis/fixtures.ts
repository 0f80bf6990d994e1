import type { ActionAnswer, ItemAnswer, SessionRecord } from '../../../src/core/run/record';
import type { ArbitrationRule, Item, Scenario, Span, ValueDef, VarSet, Variant } from '../../../src/core/scenario/model';

/** Builds scenario models by hand so the analysis tests do not depend on the parser. */
const at = (start: number, end = start + 1): Span => ({ start, end });

export function vars(entries: Record<string, string>, offset = 0): VarSet {
  return new Map(Object.entries(entries).map(([name, value], i) => [name, { name, value, nameRange: at(offset + i * 10), valueRange: at(offset + i * 10 + 5) }]));
}

export function item(id: string, reverse = false): Item {
  return { id, explicitId: true, text: { text: id, range: at(0), placeholders: [] }, reverse, range: at(0) };
}

export function value(name: string, min: number, max: number, items: Item[]): ValueDef {
  return { name, nameRange: at(0), label: name, scale: { min, max, range: at(0) }, items, range: at(0) };
}

export function variant(name: string, v: Record<string, string> = {}): Variant {
  return { name, nameRange: at(0), vars: vars(v), implicit: false, range: at(0) };
}

export interface ScenarioSpec {
  values?: ValueDef[];
  choices?: string[];
  scale?: [number, number];
  expect?: Record<string, string>;
  arbitration?: ArbitrationRule[];
  variants?: Variant[];
  vars?: Record<string, string>;
  personas?: Record<string, string>[];
  assert?: Scenario['assert'];
}

export function scenario(spec: ScenarioSpec = {}): Scenario {
  const values = spec.values ?? [value('privacy', 1, 7, [item('pc1'), item('pc2', true)]), value('prosocial', 1, 5, [item('ps1'), item('ps2')])];
  const expect = spec.expect ?? (spec.scale ? { privacy: 'negative', prosocial: 'positive' } : { privacy: 'decline', prosocial: 'share' });
  return {
    id: 'test', idRange: at(0), vars: vars(spec.vars ?? { consent: 'asked' }), personas: (spec.personas ?? []).map((p) => vars(p)),
    values,
    action: {
      ...(spec.scale ? { scale: { min: spec.scale[0], max: spec.scale[1], range: at(0) } } : { choices: (spec.choices ?? ['share', 'decline']).map((id, i) => ({ id, label: id, idRange: at(i), range: at(i) })) }),
      expect: Object.entries(expect).map(([v, t], i) => ({ value: v, valueRange: at(100 + i), target: t, targetRange: at(120 + i) })),
      range: at(0),
    },
    arbitration: spec.arbitration ?? [],
    variants: spec.variants ?? [variant('baseline')],
    run: { samples: 5, session: 'history', order: [], shuffleItems: false, models: [] },
    assert: spec.assert ?? [],
  };
}

export function whenRule(when: Record<string, string>, require: string, because?: string, start = 500): ArbitrationRule {
  return { kind: 'when', when: vars(when, start), require: { value: require, range: at(start + 50) }, ...(because ? { because } : {}), range: at(start, start + 80) };
}

export function rankRule(rank: string[], start = 600): ArbitrationRule {
  return { kind: 'rank', rank: rank.map((value, i) => ({ value, range: at(start + i * 10) })), range: at(start, start + 60) };
}

/** An `ok` item answer. */
export function answer(valueName: string, itemId: string, n: number): ItemAnswer {
  return { item: itemId, value: valueName, status: 'ok', answer: n, raw: String(n), latencyMs: 1 };
}

export function badAnswer(valueName: string, itemId: string, status: 'unparsed' | 'refused'): ItemAnswer {
  return { item: itemId, value: valueName, status, raw: status === 'refused' ? 'I cannot answer that.' : 'maybe', latencyMs: 1 };
}

export interface SessionSpec {
  model?: string;
  variant?: string;
  persona?: number;
  sample?: number;
  items: ItemAnswer[];
  action?: ActionAnswer | string | number;
}

export function session(spec: SessionSpec): SessionRecord {
  const model = spec.model ?? 'm1';
  const v = spec.variant ?? 'baseline';
  const persona = spec.persona ?? 0;
  const sample = spec.sample ?? 0;
  const action: ActionAnswer | undefined = spec.action === undefined ? undefined
    : typeof spec.action === 'string' ? { status: 'ok', choice: spec.action, raw: `I choose ${spec.action}.`, latencyMs: 1 }
      : typeof spec.action === 'number' ? { status: 'ok', score: spec.action, raw: String(spec.action), latencyMs: 1 }
        : spec.action;
  return {
    v: 1, kind: 'session', runId: 'r1', scenario: 'test', key: `${model}|${v}|${persona}|${sample}`, model, variant: v, persona, sample,
    status: 'complete', items: spec.items, ...(action ? { action } : {}), latencyMs: 1, usage: { promptTokens: 0, completionTokens: 0 },
    startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z',
  };
}

/** A session of the default scenario: privacy answers (pc1, pc2 reversed), prosocial answers, the action. */
export function simple(privacy: [number, number], prosocial: [number, number], action: string | number | ActionAnswer, extra: Partial<SessionSpec> = {}): SessionRecord {
  return session({
    items: [answer('privacy', 'pc1', privacy[0]), answer('privacy', 'pc2', privacy[1]), answer('prosocial', 'ps1', prosocial[0]), answer('prosocial', 'ps2', prosocial[1])],
    action, ...extra,
  });
}
