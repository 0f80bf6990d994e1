import type { SessionRecord } from '../run/record';
import type { Scenario } from '../scenario/model';
import type { CsvTable } from './sem/csv';

// The item-level data of a run as a table (one row per session, one column per item): what the latent
// model fits, passed as data; report/csv.ts only serialises it for `dilemma analyze --format csv`.

/**
 * A column name lavaan's model syntax accepts: letters, digits and `_`, starting with a letter
 * (`privacy.1` -> `privacy_1`, `1st` -> `i1st`).
 */
export function lavaanName(id: string): string {
  let s = id.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z]/.test(s)) s = `i${s}`;
  return s;
}

/** The pseudo value name of a scale action's `items` columns in `itemColumns`. */
export const ACTION_ITEMS = '\u0000action';

/**
 * The item columns of a scenario: every item id (values in file order, then variants' reworded items,
 * then a scale action's `items` under the value `ACTION_ITEMS`), with its lavaan-safe name.
 */
export function itemColumns(scenario: Scenario): { item: string; value: string; column: string }[] {
  const out: { item: string; value: string; column: string }[] = [];
  const seen = new Set<string>();
  const used = new Set(['group', 'variant', 'persona', 'sample', 'action']);
  const add = (item: string, value: string): void => {
    if (seen.has(`${value}\u0000${item}`)) return;
    seen.add(`${value}\u0000${item}`);
    let column = lavaanName(item);
    for (let k = 2; used.has(column); k++) column = `${lavaanName(item)}_${k}`;
    used.add(column);
    out.push({ item, value, column });
  };
  for (const v of scenario.values) for (const i of v.items) add(i.id, v.name);
  for (const variant of scenario.variants) for (const [value, items] of variant.values ?? []) for (const i of items) add(i.id, value);
  if (scenario.action?.scale) for (const i of scenario.action.items ?? []) add(i.id, ACTION_ITEMS);
  return out;
}

/**
 * The item-level data in the wide layout lavaan reads: `group` (the model), `variant`, `persona`,
 * `sample`, one column per item (after reverse-coding, `min + max - x`, so every item points the way
 * of its value and a marker item cannot flip a factor), and `action`: the answer for a scale action;
 * for a choice action 1 for the reference choice (the one the first value's `expect` names), 0 for any
 * other; with `action.items` (Revision 2) `action` is their mean and each item has its own column.
 * Unreadable answers are `NA`, never a number.
 */
export function itemTable(scenario: Scenario, sessions: readonly SessionRecord[]): CsvTable {
  const cols = itemColumns(scenario);
  const scales = new Map(scenario.values.map((v) => [v.name, v.scale] as const));
  const reverse = new Map<string, boolean>();
  for (const v of scenario.values) for (const i of v.items) reverse.set(`${v.name}\u0000${i.id}`, i.reverse);
  const byVariant = new Map(scenario.variants.map((v) => [v.name, v] as const));
  const firstExpect = scenario.values.map((v) => scenario.action?.expect.find((e) => e.value === v.name)).find((e) => e);
  const reference = scenario.action?.scale ? undefined : firstExpect?.target;
  const header = ['group', 'variant', 'persona', 'sample', ...cols.map((c) => c.column), 'action'];
  const rows: string[][] = [];
  for (const s of sessions) {
    const variant = byVariant.get(s.variant);
    const cells = cols.map((c) => {
      if (c.value === ACTION_ITEMS) {
        const a = s.action?.items?.find((x) => x.item === c.item);
        return a && a.status === 'ok' && typeof a.answer === 'number' ? String(a.answer) : 'NA';
      }
      const a = s.items.find((x) => x.item === c.item && x.value === c.value);
      const scale = scales.get(c.value);
      if (!a || a.status !== 'ok' || typeof a.answer !== 'number' || !scale) return 'NA';
      const rev = variant?.values?.get(c.value)?.find((i) => i.id === c.item)?.reverse ?? reverse.get(`${c.value}\u0000${c.item}`) ?? false;
      return String(rev ? scale.min + scale.max - a.answer : a.answer);
    });
    let action = 'NA';
    if (s.action?.status === 'ok') {
      if (scenario.action?.scale && typeof s.action.score === 'number') action = String(s.action.score);
      else if (reference !== undefined && typeof s.action.choice === 'string') action = s.action.choice === reference ? '1' : '0';
    }
    rows.push([s.model, s.variant, String(s.persona), String(s.sample), ...cells, action]);
  }
  // Row k is line k + 2 of the CSV form (after the header), for messages that point at a row.
  return { file: 'items.csv', header, rows, lines: rows.map((_, k) => k + 2) };
}
