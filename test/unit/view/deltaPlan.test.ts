import * as assert from 'node:assert/strict';
import { compareRuns } from '../../../src/core/analysis/compare';
import { parseScenario } from '../../../src/core/scenario/parse';
import { deltaKind, deltaPlan, pp } from '../../../src/core/view/deltaPlan';
import { header, heldPrivacy, side, times } from '../analysis/compareFixtures';
import { rankRule, scenario, variant } from '../analysis/fixtures';

// The file the marks go on: the fixture scenario's id (`test`) and variant names, as written.
const TEXT = `dilemma: test
values:
  privacy:
    items: [I care about privacy.]
variants:
  - name: baseline
  - name: pharma
    vars: { recipient: a drug company }
`;

describe('delta plan: the change against a baseline run on the lines', () => {
  const s = scenario({ arbitration: [rankRule(['privacy', 'prosocial'])], variants: [variant('baseline'), variant('pharma')] });
  const file = parseScenario(TEXT).scenario!;
  const lineOf = (at: number): string => TEXT.slice(TEXT.lastIndexOf('\n', at - 1) + 1, at);

  // Planted regression: privacy is held in every sample, so `decline` is the implied action and `share`
  // diverges. Baseline: 8 x decline (0/8 diverge); candidate: 8 x share (8/8 diverge), the same 8 places.
  // Paired: b = 8 discordant pairs one way, c = 0 the other: exact McNemar p = 2 * (1/2)^8 = 0.0078125
  // for the divergence and for the two-choice action distribution (the same table). Holm over the family
  // of these two tests of equal p: 2 * 0.0078125 = 0.015625 each (the path model has no variance: no test).
  const b = side(s, [{ header: header('b', ['pharma'], 8), sessions: heldPrivacy('pharma', times('decline', 8)) }]);
  const c = side(s, [{ header: header('c', ['pharma'], 8), sessions: heldPrivacy('pharma', times('share', 8)) }]);

  it('puts a red regression on the variant\'s line with the change and the Holm p of each test', () => {
    const marks = deltaPlan(file, TEXT, compareRuns([b], [c]), 'run b');
    const pharma = marks.find((m) => m.variant === 'pharma')!;
    assert.equal(lineOf(pharma.at), '  - name: pharma');
    assert.equal(pharma.kind, 'regression');
    // divergence 0/8 -> 8/8: +100 pp; shares: share 0 -> 1 (+100 pp), decline 1 -> 0 (−100 pp): the tie goes to the first outcome, share
    assert.equal(pharma.text, 'Δ m1: diverge +100 pp, p 0.016 · share +100 pp, p 0.016');
    assert.match(pharma.hover, /\*\*REGRESSION\*\* against the baseline run b/);
    // the hover's text is Markdown-escaped: read it without the backslashes
    assert.match(pharma.hover.replace(/\\/g, ''), /divergence: 0\.00 \(0\/8\) → 1\.00 \(8\/8\) \(\+1\.00\) — exact McNemar, paired \(8 pairs\): p = 0\.008, Holm p = 0\.016/);
    // the baseline variant has no sessions on either side: neutral, and says it was not compared
    const base = marks.find((m) => m.variant === 'baseline')!;
    assert.equal(lineOf(base.at), '  - name: baseline');
    assert.equal(base.kind, 'neutral');
    assert.match(base.text, /^Δ m1: not compared \(/);
    // the model row (VAAR) goes on the dilemma line
    const vaar = marks.find((m) => m.variant === undefined)!;
    assert.equal(lineOf(vaar.at), 'dilemma: test');
    assert.match(vaar.text, /^Δ VAAR m1: /);
  });

  it('marks the same change the other way as a green improvement', () => {
    const pharma = deltaPlan(file, TEXT, compareRuns([c], [b]), 'run c').find((m) => m.variant === 'pharma')!;
    assert.equal(pharma.kind, 'improvement');
    assert.equal(pharma.text, 'Δ m1: diverge −100 pp, p 0.016 · share −100 pp, p 0.016');
  });

  it('leaves an unchanged rerun neutral: no change and no test (no discordant pair)', () => {
    const again = side(s, [{ header: header('c2', ['pharma'], 8), sessions: heldPrivacy('pharma', times('decline', 8)) }]);
    const pharma = deltaPlan(file, TEXT, compareRuns([b], [again]), 'run b').find((m) => m.variant === 'pharma')!;
    assert.equal(pharma.kind, 'neutral');
    // both sides all decline: the only outcome is decline, and with no discordant pair there is nothing to test (no p)
    assert.equal(pharma.text, 'Δ m1: diverge ±0 pp · decline ±0 pp');
  });

  it('maps verdicts to colours and shares to percentage points', () => {
    assert.deepEqual(['regression', 'improvement', 'changed', 'unchanged', 'not-compared'].map((v) => deltaKind(v as never)), ['regression', 'improvement', 'neutral', 'neutral', 'neutral']);
    assert.deepEqual([pp(0.254), pp(-0.1), pp(0.004)], ['+25 pp', '−10 pp', '±0 pp']);
  });
});
