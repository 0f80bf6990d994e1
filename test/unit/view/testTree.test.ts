import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { parseScenario } from '../../../src/core/scenario/parse';
import { scenarioNode, scenarioVerdict, variantVerdict } from '../../../src/core/view/testTree';
import { repoPath } from '../../support/paths';
import { SCENARIO_TEXT, sampleAnalysis } from '../report/sampleAnalysis';

describe('test tree: scenario files as test items', () => {
  it('gives a scenario item on its id and one child per written variant, each on its own entry', () => {
    const text = fs.readFileSync(repoPath('examples', 'health-registry.dilemma.yaml'), 'utf8');
    const node = scenarioNode(parseScenario(text));
    assert.ok(node);
    const id = /^dilemma:\s*(\S+)/m.exec(text)![1]!;
    assert.equal(node.id, id);
    assert.equal(text.slice(node.range.start, node.range.end), id);
    // the variant names as written under `variants:`, read from the text, not from the parser
    const block = text.slice(text.search(/^variants:/m)).split(/\n(?=\S)/)[0]!;
    const written = [...block.matchAll(/^\s*- name:\s*(\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(node.variants.map((v) => v.name), written);
    for (const v of node.variants) assert.match(text.slice(v.range.start, v.range.end), new RegExp(`name:\\s*${v.name}`));
  });

  it('has no children for a file without variants, and no item for a file without an id', () => {
    const node = scenarioNode(parseScenario('dilemma: solo\nvalues: {}\n'));
    assert.deepEqual(node?.variants, []);
    assert.equal(scenarioNode(parseScenario('title: no id yet\n')), undefined);
  });
});

describe('test verdicts from the analysis', () => {
  const a = sampleAnalysis();
  const at = (needle: string) => ({ start: SCENARIO_TEXT.lastIndexOf(needle), end: SCENARIO_TEXT.lastIndexOf(needle) + needle.length });

  it('fails the scenario when an assert fails, with expected, actual and the threshold\'s place', () => {
    const v = scenarioVerdict(a);
    const bad = a.asserts.filter((x) => x.status !== 'pass');
    assert.ok(bad.length > 0, 'the fixture has a failing assert');
    const want = bad.some((x) => x.status === 'error') ? 'errored' : 'failed';
    assert.equal(v.status, want);
    const failing = bad.filter((x) => (want === 'errored' ? x.status === 'error' : x.status === 'fail'));
    assert.equal(v.messages.length, failing.length);
    for (const [i, m] of v.messages.entries()) {
      const x = failing[i]!;
      assert.deepEqual(m.range, x.range);
      assert.ok(m.text.includes(x.model) && m.text.includes(x.message));
      assert.ok(m.expected?.startsWith(x.metric));
      if (x.actual !== null) assert.ok(m.actual?.includes(x.actual.toFixed(3).replace(/\.?0+$/, '')), `${m.actual} vs ${x.actual}`);
    }
  });

  it('passes a scenario whose asserts all pass', () => {
    const passing = { ...a, asserts: a.asserts.filter((x) => x.status === 'pass') };
    assert.ok(passing.asserts.length > 0);
    assert.equal(scenarioVerdict(passing).status, 'passed');
  });

  it('judges a variant on the thresholds that have a per-variant reading', () => {
    const stats = a.perVariant.filter((p) => p.stats.variant === 'pharma').map((p) => p.stats);
    // a threshold every variant of the fixture meets, and one it cannot meet
    const lowest = Math.min(...stats.map((s) => s.consistency.rate!));
    const ok = variantVerdict(a, [{ metric: 'consistency', min: lowest, range: at('{ min: 0.5 }') }], 'pharma')!;
    assert.equal(ok.status, 'passed');
    const bad = variantVerdict(a, [{ metric: 'consistency', min: 1.01, range: at('{ min: 0.5 }') }], 'pharma')!;
    assert.equal(bad.status, 'failed');
    assert.equal(bad.messages.length, stats.length);
    assert.deepEqual(bad.messages[0]!.range, at('{ min: 0.5 }'));
    assert.equal(bad.messages[0]!.actual, `consistency ${stats[0]!.consistency.rate!.toFixed(3)} (${stats[0]!.consistency.count}/${stats[0]!.consistency.n})`);
  });

  it('falls back to divergence when no threshold applies per variant (vaar only), and is undefined for a variant no model ran', () => {
    const v = variantVerdict(a, [{ metric: 'vaar', min: 0.5, range: at('vaar: { min: 0.5 }') }], 'baseline')!;
    const divergent = a.perVariant.filter((p) => p.stats.variant === 'baseline').some((p) => p.stats.divergence.count > 0);
    assert.equal(v.status, divergent ? 'failed' : 'passed');
    assert.equal(variantVerdict(a, [], 'nobody-ran-this'), undefined);
  });
});
