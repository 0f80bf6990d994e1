import type { SessionRecord } from '../run/record';
import type { Scenario } from '../scenario/model';
import { itemTable } from '../analysis/itemTable';

export { ACTION_ITEMS, itemColumns, lavaanName } from '../analysis/itemTable';

const quote = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The item table of a run (`analysis/itemTable.ts`) as RFC 4180 CSV, the wide layout lavaan reads. */
export function itemCsv(scenario: Scenario, sessions: readonly SessionRecord[]): string {
  const t = itemTable(scenario, sessions);
  return `${[t.header, ...t.rows].map((r) => r.map(quote).join(',')).join('\n')}\n`;
}
