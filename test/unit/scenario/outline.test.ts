import * as assert from 'node:assert/strict';
import { outline, type OutlineNode } from '../../../src/core/scenario/outline';
import { parseScenario } from '../../../src/core/scenario/parse';
import { SCENARIO } from './languageServiceFixture';

const inside = (outer: { start: number; end: number }, inner: { start: number; end: number }): boolean =>
  outer.start <= inner.start && inner.end <= outer.end;

describe('outline', () => {
  const parsed = parseScenario(SCENARIO);
  const nodes = outline(parsed);
  const top = (name: string): OutlineNode => {
    const n = nodes.find((x) => x.name === name);
    assert.ok(n, `no ${name} in the outline`);
    return n;
  };

  it('lists the top-level fields in file order', () => {
    assert.deepEqual(nodes.map((n) => n.name), ['dilemma', 'vars', 'persona', 'values', 'action', 'arbitration', 'variants', 'run']);
    assert.equal(top('dilemma').detail, 'fixture');
  });

  it('lists values with their items, the action with its choices, the rules and the variants', () => {
    assert.deepEqual(top('values').children.map((v) => [v.name, v.children.map((i) => i.name)]),
      [['privacy', ['privacy.1', 'privacy.2']], ['prosocial', ['prosocial.1']]]);
    assert.deepEqual(top('action').children.map((c) => `${c.name}: ${c.detail}`), ['share: Send them', 'decline: Keep them']);
    assert.deepEqual(top('arbitration').children.map((r) => r.name), ['when recipient = a drug company → decline', 'rank privacy > prosocial']);
    assert.deepEqual(top('variants').children.map((v) => v.name), ['baseline', 'pharma', 'reworded']);
  });

  it('gives every node a selection inside its range, on the node\'s name', () => {
    const all = (ns: OutlineNode[]): OutlineNode[] => ns.flatMap((n) => [n, ...all(n.children)]);
    for (const n of all(nodes)) assert.ok(inside(n.range, n.selectionRange), `${n.name}: selection outside range`);
    for (const n of [...top('values').children, ...top('variants').children]) {
      assert.equal(SCENARIO.slice(n.selectionRange.start, n.selectionRange.end), n.name);
    }
    for (const n of top('values').children) assert.ok(inside(top('values').range, n.range));
  });

  it('keeps the top-level fields of a file whose model could not be built', () => {
    const broken = outline(parseScenario('dilemma: x\nvalues: 3\nvariants: nope\n'));
    assert.deepEqual(broken.map((n) => [n.name, n.children.length]), [['dilemma', 0], ['values', 0], ['variants', 0]]);
    assert.deepEqual(outline(parseScenario('- just a list\n')), []);
  });
});
