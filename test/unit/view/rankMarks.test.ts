import * as assert from 'node:assert/strict';
import type { ScenarioAnalysis } from '../../../src/core/analysis/analyzeRun';
import type { RankInversion } from '../../../src/core/analysis/hierarchy';
import { rankMarks } from '../../../src/core/view/rankMarks';

/**
 * The mark on a `rank` entry a model's revealed order inverts: which entries, where, and the hover's
 * evidence, from the hierarchy panels of the analysis (whose inversions are tested in
 * analysis/hierarchy.test.ts and cli/hierarchyEndToEnd.test.ts, where these marks are also read off a real run).
 */
describe('rank marks: declared above, revealed below', () => {
  const text = 'arbitration:\n  - rank:\n      - privacy\n      - prosocial\n      - acceptance\n';
  const span = (name: string) => ({ start: text.indexOf(name), end: text.indexOf(name) + name.length });
  const inversion = (higher: string, lower: string, lowerWins: number, higherWins: number, p: number | null): RankInversion =>
    ({ rule: 0, higher, lower, higherRange: span(higher), lowerRange: span(lower), higherStrength: -0.5, lowerStrength: 0.75, lowerWins, higherWins, p });
  const panel = (model: string, inversions: RankInversion[], ok = true) => ({ model, hierarchy: { revealed: { ok }, inversions } });
  const analysis = (perModel: unknown[]) => ({ models: perModel.map((m) => (m as { model: string }).model), perModel }) as unknown as ScenarioAnalysis;

  it('marks each inverted entry once, after its line, naming the values revealed above it and the models', () => {
    const a = analysis([
      panel('lab/m1', [inversion('privacy', 'prosocial', 9, 3, 0.146), inversion('privacy', 'acceptance', 10, 0, 0.001953125)]),
      panel('lab/m2', [inversion('privacy', 'prosocial', 5, 1, 0.21875)]),
      panel('lab/m3', []),
    ]);
    const marks = rankMarks(text, a);
    assert.deepEqual(marks.map((m) => [m.value, m.range, m.at, m.text]), [
      ['privacy', span('privacy'), text.indexOf('privacy') + 'privacy'.length, 'revealed below prosocial, acceptance (m1, m2)'],
    ]);
    const hover = marks[0]!.hover;
    // 9 + 3 = 12 decisions between privacy and prosocial; p as the analysis computed it (binom.test(9, 12)$p.value = 0.146).
    assert.match(hover, /lab\\\/m1\*\*: prosocial won 9 of 12 decisions against privacy where the two pulled apart \(exact two-sided p 0\.146\)/);
    assert.match(hover, /acceptance won 10 of 10 decisions against privacy .*\(exact two-sided p 0\.002\)/);
    assert.match(hover, /lab\\\/m2\*\*: prosocial won 5 of 6 /);
    assert.match(hover, /Bradley-Terry strength privacy -0\.50, prosocial 0\.75/);
  });

  it('leaves out models not shown and failed fits, and escapes names from the file and model ids', () => {
    assert.deepEqual(rankMarks(text, analysis([panel('lab/m1', [inversion('privacy', 'prosocial', 9, 3, 0.146)], false)])), []);
    assert.deepEqual(rankMarks(text, analysis([panel('lab/m1', [inversion('privacy', 'prosocial', 9, 3, 0.146)])]), ['lab/other']), []);
    const hostile = rankMarks(text, analysis([panel('lab/[x](command:y)', [inversion('privacy', 'prosocial', 0, 0, null)])]))[0]!;
    assert.ok(hostile.hover.includes('lab\\/\\[x\\]\\(command\\:y\\)'), hostile.hover);
    assert.ok(!hostile.hover.includes('](command:'));
    assert.match(hostile.hover, /prosocial won 0 of 0 decisions against privacy where the two pulled apart \(exact two-sided no decision between them\)/);
  });
});
