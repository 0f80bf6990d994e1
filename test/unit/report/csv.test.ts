import * as assert from 'node:assert/strict';
import { itemCsv, lavaanName } from '../../../src/core/report/csv';
import { parseCsv } from '../../../src/core/analysis/sem/csv';
import { answer, badAnswer, item, scenario, session, value, variant } from '../analysis/fixtures';

describe('the item-level CSV', () => {
  it('makes lavaan-safe column names', () => {
    assert.equal(lavaanName('privacy.1'), 'privacy_1');
    assert.equal(lavaanName('1st item'), 'i1st_item');
    assert.equal(lavaanName('pc3'), 'pc3');
  });

  it('writes the wide layout with reverse-coded items, NA for unreadable answers and the coded action', () => {
    const reworded = variant('reworded');
    reworded.values = new Map([['prosocial', [item('ps.new', true)]]]);
    const s = scenario({
      values: [value('privacy', 1, 7, [item('privacy.1'), item('privacy.2', true)]), value('prosocial', 1, 5, [item('ps1')])],
      variants: [variant('baseline'), reworded],
    });
    const rows = [
      session({ model: 'openai/gpt-4o-mini', items: [answer('privacy', 'privacy.1', 6), answer('privacy', 'privacy.2', 2), answer('prosocial', 'ps1', 4)], action: 'decline' }),
      session({ model: 'm,2', sample: 1, items: [badAnswer('privacy', 'privacy.1', 'refused'), answer('privacy', 'privacy.2', 7)], action: 'share' }),
      session({ variant: 'reworded', sample: 2, items: [answer('prosocial', 'ps.new', 5)], action: { status: 'unparsed', raw: '?', latencyMs: 1 } }),
    ];
    const text = itemCsv(s, rows);
    const lines = text.trim().split('\n');
    assert.equal(lines[0], 'group,variant,persona,sample,privacy_1,privacy_2,ps1,ps_new,action');
    // privacy.2 = 2 reversed on 1..7 -> 6; decline is the reference choice (privacy expects it) -> 1
    assert.equal(lines[1], 'openai/gpt-4o-mini,baseline,0,0,6,6,4,NA,1');
    // a refused answer is NA, 7 reversed -> 1; share -> 0; the comma in the model name is quoted
    assert.equal(lines[2], '"m,2",baseline,0,1,NA,1,NA,NA,0');
    // the reworded item's own reverse flag: 5 on 1..5 -> 1
    assert.equal(lines[3], 'm1,reworded,0,2,NA,NA,NA,1,NA');
    const table = parseCsv(text, 'items.csv');
    assert.equal(table.rows.length, 3);
    assert.equal(table.rows[1]![0], 'm,2');
  });

  it('writes the answer itself for a scale action', () => {
    const s = scenario({ scale: [1, 7] });
    const text = itemCsv(s, [session({ items: [answer('privacy', 'pc1', 3)], action: 5 })]);
    assert.equal(text.trim().split('\n')[1], 'm1,baseline,0,0,3,NA,NA,NA,5');
  });
});
