import { isMap, isScalar, type Node } from 'yaml';
import type { ArbitrationRule, Span } from './model';
import type { ParsedScenario } from './parse';

/** A node of the document outline; `selectionRange` lies inside `range`. */
export interface OutlineNode {
  name: string;
  detail?: string;
  kind: 'field' | 'values' | 'value' | 'item' | 'action' | 'choice' | 'arbitration' | 'rule' | 'variants' | 'variant';
  range: Span;
  selectionRange: Span;
  children: OutlineNode[];
}

const span = (start: number, end: number): Span => ({ start, end: Math.max(start, end) });

/** A rule as one readable line: `when consent = not asked → decline`, `rank privacy > prosocial`. */
function ruleName(r: ArbitrationRule): string {
  if (r.kind === 'rank') return `rank ${r.rank.map((x) => x.value).join(' > ')}`;
  const when = [...r.when.values()].map((e) => `${e.name} = ${e.value}`).join(', ');
  return `when ${when || '…'}${r.require ? ` → ${r.require.value}` : ''}`;
}

/** The outline of a scenario: top-level fields, values with their items, the action with its choices, arbitration rules and variants. */
export function outline(parsed: ParsedScenario): OutlineNode[] {
  const root = parsed.doc.contents;
  if (!isMap(root)) return [];
  const s = parsed.scenario;
  const out: OutlineNode[] = [];
  for (const pair of root.items) {
    const key = pair.key as Node | null;
    if (!isScalar(key) || !key.range) continue;
    const name = String(key.value);
    const val = pair.value as Node | null;
    const end = val?.range ? val.range[1] : key.range[1];
    const node: OutlineNode = { name, kind: 'field', range: span(key.range[0], end), selectionRange: span(key.range[0], key.range[1]), children: [] };
    if (name === 'values' && s) {
      node.kind = 'values';
      node.children = s.values.map((v) => ({
        name: v.name, detail: v.label, kind: 'value' as const, range: v.range, selectionRange: v.nameRange,
        children: v.items.map((it) => ({ name: it.id, detail: it.text.text, kind: 'item' as const, range: it.range, selectionRange: it.range, children: [] })),
      }));
    } else if (name === 'action' && s?.action) {
      node.kind = 'action';
      node.children = (s.action.choices ?? []).map((c) => ({ name: c.id, detail: c.label, kind: 'choice' as const, range: c.range, selectionRange: c.idRange, children: [] }));
    } else if (name === 'arbitration' && s) {
      node.kind = 'arbitration';
      node.children = s.arbitration.map((r) => ({ name: ruleName(r), detail: r.because, kind: 'rule' as const, range: r.range, selectionRange: r.range, children: [] }));
    } else if (name === 'variants' && s) {
      node.kind = 'variants';
      node.children = s.variants.filter((v) => !v.implicit).map((v) => ({
        name: v.name, detail: [...v.vars.values()].map((e) => `${e.name}: ${e.value}`).join(', ') || undefined,
        kind: 'variant' as const, range: v.range, selectionRange: v.nameRange, children: [],
      }));
    } else if (isScalar(val) && val.value !== null) {
      node.detail = String(val.value);
    }
    out.push(node);
  }
  return out;
}
