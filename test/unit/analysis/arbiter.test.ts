import * as assert from 'node:assert/strict';
import { arbitrate, effectiveVars } from '../../../src/core/analysis/arbiter';
import type { ValueScore } from '../../../src/core/analysis/scores';
import { rankRule, scenario, value, item, variant, whenRule } from './fixtures';

const score = (v: string, normalised: number): [string, ValueScore] => [v, { value: v, mean: 0, normalised, n: 1, items: 1, held: normalised > 0.5 }];
const scores = (entries: Record<string, number | null>): Map<string, ValueScore | null> =>
  new Map(Object.entries(entries).map(([v, x]) => (x === null ? [v, null] : score(v, x))));

describe('the arbiter', () => {
  const rules = [whenRule({ consent: 'not asked' }, 'decline', 'Consent always overrides aggregate benefit.', 500), rankRule(['privacy', 'prosocial'], 600)];
  const s = scenario({ arbitration: rules, variants: [variant('baseline'), variant('no-consent', { consent: 'not asked' })] });

  it('applies a when rule whose vars all equal the variant\'s, with its because', () => {
    const vars = effectiveVars(s, s.variants[1], 0);
    const r = arbitrate(s, vars, scores({ privacy: 0.2, prosocial: 0.9 }));
    assert.equal(r.action, 'decline');
    assert.equal(r.by, 'when');
    assert.equal(r.rule, 0);
    assert.deepEqual(r.range, { start: 500, end: 580 });
    assert.equal(r.reason, 'Consent always overrides aggregate benefit.');
  });

  it('skips a when rule whose vars differ and lets the highest-ranked held value decide', () => {
    const vars = effectiveVars(s, s.variants[0], 0);
    const both = arbitrate(s, vars, scores({ privacy: 0.8, prosocial: 0.9 }));
    assert.equal(both.by, 'rank');
    assert.equal(both.action, 'decline');
    assert.deepEqual(both.values, ['privacy']);
    assert.equal(both.rule, 1);
    const onlyProsocial = arbitrate(s, vars, scores({ privacy: 0.3, prosocial: 0.9 }));
    assert.equal(onlyProsocial.action, 'share');
    assert.deepEqual(onlyProsocial.values, ['prosocial']);
    assert.match(onlyProsocial.reason, /prosocial is held/);
  });

  it('falls through a rank rule with no held value to the vote, which leaves none held undetermined', () => {
    const r = arbitrate(s, effectiveVars(s, s.variants[0], 0), scores({ privacy: 0.5, prosocial: 0.1 }));
    assert.equal(r.by, 'undetermined');
    assert.equal(r.action, undefined);
    assert.match(r.reason, /No value is held/);
  });

  it('lets held values vote without rules: a single held value, a tie, and a majority', () => {
    const none = scenario();
    const vars = effectiveVars(none, none.variants[0], 0);
    const one = arbitrate(none, vars, scores({ privacy: 0.9, prosocial: 0.2 }));
    assert.equal(one.by, 'vote');
    assert.equal(one.action, 'decline');
    const tie = arbitrate(none, vars, scores({ privacy: 0.9, prosocial: 0.9 }));
    assert.equal(tie.by, 'undetermined');
    assert.match(tie.reason, /tied/);
    const three = scenario({
      values: [value('privacy', 1, 7, [item('a')]), value('prosocial', 1, 5, [item('b')]), value('civic', 1, 5, [item('c')])],
      expect: { privacy: 'decline', prosocial: 'share', civic: 'share' },
    });
    const majority = arbitrate(three, vars, scores({ privacy: 0.9, prosocial: 0.9, civic: 0.7 }));
    assert.equal(majority.action, 'share');
    assert.deepEqual(majority.values, ['prosocial', 'civic']);
  });

  it('does not count a value without a score as held', () => {
    const r = arbitrate(s, effectiveVars(s, s.variants[0], 0), scores({ privacy: null, prosocial: 0.9 }));
    assert.equal(r.action, 'share');
  });

  it('maps require high/low and expect positive/negative for a scale action', () => {
    const sc = scenario({ scale: [1, 7], arbitration: [whenRule({ consent: 'not asked' }, 'low'), rankRule(['privacy', 'prosocial'])],
      variants: [variant('baseline'), variant('no-consent', { consent: 'not asked' })] });
    assert.equal(arbitrate(sc, effectiveVars(sc, sc.variants[1], 0), scores({ privacy: 0, prosocial: 1 })).action, 'low');
    assert.equal(arbitrate(sc, effectiveVars(sc, sc.variants[0], 0), scores({ privacy: 0.9, prosocial: 1 })).action, 'low');
    assert.equal(arbitrate(sc, effectiveVars(sc, sc.variants[0], 0), scores({ privacy: 0.2, prosocial: 1 })).action, 'high');
  });

  it('matches when rules on persona vars, and the variant overrides defaults', () => {
    const sp = scenario({ personas: [{ job: 'nurse' }, { job: 'engineer' }], arbitration: [whenRule({ job: 'nurse' }, 'share')] });
    assert.equal(arbitrate(sp, effectiveVars(sp, sp.variants[0], 0), scores({ privacy: 0.9, prosocial: 0 })).by, 'when');
    assert.equal(arbitrate(sp, effectiveVars(sp, sp.variants[0], 1), scores({ privacy: 0.9, prosocial: 0 })).action, 'decline');
    const vars = effectiveVars(s, s.variants[1], 0);
    assert.equal(vars.get('consent'), 'not asked');
  });
});
