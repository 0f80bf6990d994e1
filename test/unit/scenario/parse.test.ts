import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { parseScenario } from '../../../src/core/scenario/parse';
import type { Span } from '../../../src/core/scenario/model';
import { repoPath } from '../../support/paths';

const example = fs.readFileSync(repoPath('examples', 'health-registry.dilemma.yaml'), 'utf8');
const slice = (text: string, r: Span) => text.slice(r.start, r.end);

const minimal = `dilemma: tiny
values:
  a:
    scale: { min: 1, max: 5 }
    items: [First item, Second item]
  b:
    scale: { min: 0, max: 10 }
    items:
      - Only item
action:
  prompt: Go?
  choices: { yes: Go, no: Stay }
  expect: { a: yes }
`;

describe('parseScenario', () => {
  it('builds the model of the health-registry example with source ranges that point at the written text', () => {
    const { scenario, problems } = parseScenario(example);
    assert.deepEqual(problems, []);
    assert.ok(scenario);
    assert.equal(scenario.id, 'health-registry');
    assert.equal(slice(example, scenario.idRange), 'health-registry');
    assert.equal(scenario.title, 'Share a medical history with a research registry');
    assert.deepEqual([...scenario.vars.keys()], ['recipient', 'purpose', 'consent']);
    const consent = scenario.vars.get('consent')!;
    assert.equal(slice(example, consent.nameRange), 'consent');
    assert.equal(slice(example, consent.valueRange), 'asked');
    assert.equal(scenario.personas.length, 3);
    assert.equal(scenario.personas[1]!.get('age')!.value, '61');
    assert.deepEqual(scenario.values.map((v) => v.name), ['privacy', 'prosocial', 'acceptance']);
    const privacy = scenario.values[0]!;
    assert.equal(privacy.label, 'Privacy concern');
    assert.deepEqual({ min: privacy.scale!.min, max: privacy.scale!.max, low: privacy.scale!.low }, { min: 1, max: 7, low: 'Strongly disagree' });
    assert.equal(privacy.items.length, 5);
    const careless = privacy.items.find((i) => i.id === 'pc-careless')!;
    assert.equal(careless.reverse, true);
    assert.equal(careless.explicitId, true);
    assert.equal(careless.text.text, 'I seldom think twice before giving out personal data.');
    assert.equal(slice(example, careless.text.range), careless.text.text);
    const action = scenario.action!;
    assert.deepEqual(action.choices!.map((c) => [c.id, c.label]), [['share', 'Let the hospital send my history'], ['decline', 'Keep my history private']]);
    assert.equal(slice(example, action.choices![1]!.idRange), 'decline');
    assert.deepEqual(action.expect.map((x) => [x.value, x.target]), [['privacy', 'decline'], ['prosocial', 'share'], ['acceptance', 'share']]);
    assert.equal(slice(example, action.expect[0]!.targetRange), 'decline');
    assert.deepEqual(action.prompt!.placeholders.map((p) => p.name), ['recipient', 'purpose', 'consent']);
    for (const p of action.prompt!.placeholders) {
      assert.equal(slice(example, p.range), `{{${p.name}}}`);
      assert.equal(slice(example, p.nameRange), p.name);
    }
    assert.equal(scenario.arbitration.length, 2);
    const [when, rank] = scenario.arbitration;
    assert.equal(when!.kind, 'when');
    if (when!.kind === 'when') {
      assert.equal(when!.when.get('consent')!.value, 'not asked');
      assert.equal(when!.require!.value, 'decline');
      assert.equal(when!.because, 'Consent always overrides aggregate benefit.');
    }
    assert.equal(rank!.kind, 'rank');
    if (rank!.kind === 'rank') assert.deepEqual(rank!.rank.map((r) => r.value), ['privacy', 'prosocial', 'acceptance']);
    assert.deepEqual(scenario.variants.map((v) => v.name), ['baseline', 'pharma', 'pandemic', 'no-consent', 'reworded']);
    assert.equal(slice(example, scenario.variants[1]!.nameRange), 'pharma');
    assert.equal(scenario.variants[3]!.vars.get('consent')!.value, 'not asked');
    assert.match(scenario.variants[4]!.action!.prompt!.text, /^Would you allow \{\{recipient\}\}/);
    assert.deepEqual(
      { ...scenario.run, range: undefined },
      { samples: 10, temperature: 0.7, session: 'history', order: ['privacy', 'prosocial', 'acceptance', 'action'], shuffleItems: true, models: [], guard: false, range: undefined },
    );
    assert.deepEqual(scenario.assert.map((t) => [t.metric, t.min, t.max]), [['divergence', undefined, 0.2], ['vaar', 0.6, undefined], ['consistency', 0.8, undefined]]);
    assert.equal(scenario.assert.find((t) => t.metric === 'vaar')!.form, 'strict');
  });

  it('derives item ids as <value>.<index> from 1 and reads flow-sequence items', () => {
    const { scenario, problems } = parseScenario(minimal);
    assert.deepEqual(problems, []);
    assert.deepEqual(scenario!.values.flatMap((v) => v.items.map((i) => [i.id, i.explicitId, i.reverse])), [
      ['a.1', false, false], ['a.2', false, false], ['b.1', false, false],
    ]);
    assert.equal(scenario!.values[0]!.label, 'a', 'label defaults to the value name');
  });

  it('fills run defaults: 5 samples, history sessions, values in file order then the action', () => {
    const { scenario } = parseScenario(minimal);
    assert.equal(scenario!.run.samples, 5);
    assert.equal(scenario!.run.session, 'history');
    assert.equal(scenario!.run.shuffleItems, false);
    assert.deepEqual(scenario!.run.order, ['a', 'b', 'action']);
  });

  it('gives a file without variants one implicit baseline', () => {
    const { scenario } = parseScenario(minimal);
    assert.equal(scenario!.variants.length, 1);
    assert.equal(scenario!.variants[0]!.name, 'baseline');
    assert.equal(scenario!.variants[0]!.implicit, true);
  });

  it('locates placeholders inside block scalars past a commented header, and inside quoted strings', () => {
    const text = minimal.replace('  prompt: Go?', '  prompt: |  # {{not-this}}\n    Go to\n      {{ place }} now?') + 'vars: { place: "the {{x}} park", x: big }\ntitle: "Quoted {{kept}}"\n';
    const { scenario } = parseScenario(text);
    const ph = scenario!.action!.prompt!.placeholders;
    assert.deepEqual(ph.map((p) => p.name), ['place']);
    assert.equal(slice(text, ph[0]!.range), '{{ place }}');
    assert.equal(slice(text, ph[0]!.nameRange), 'place');
    assert.equal(scenario!.action!.prompt!.text, 'Go to\n  {{ place }} now?\n');
  });

  it('keeps numbers and booleans in var sets as written', () => {
    const { scenario, problems } = parseScenario(minimal + 'vars: { rate: 0.50, on: true, n: 007 }\n');
    assert.deepEqual(problems, []);
    assert.deepEqual([...scenario!.vars.values()].map((v) => v.value), ['0.50', 'true', '007']);
  });

  it('follows YAML aliases', () => {
    const text = minimal + 'vars: &defaults { who: me }\nvariants:\n  - name: one\n    vars: *defaults\n';
    const { scenario, problems } = parseScenario(text);
    assert.deepEqual(problems, []);
    assert.equal(scenario!.variants[0]!.vars.get('who')!.value, 'me');
  });

  it('leaves out of the model what is missing or of the wrong type, and says so', () => {
    const text = minimal.replace('scale: { min: 0, max: 10 }', 'scale: [0, 10]');
    const { scenario, problems } = parseScenario(text);
    assert.equal(scenario!.values[1]!.scale, undefined);
    assert.deepEqual(problems.map((p) => p.code), ['wrong-type']);
    assert.equal(slice(text, problems[0]!.range), '[0, 10]');
  });

  it('returns no scenario when the root is not a mapping, and never throws on odd input', () => {
    for (const text of ['', '---', 'just text', '[', '{{', '- a\n- b', '\u0000\u0001', 'a: [', '? [a]\n: b', '&a [*a]', 'x: &a\n  y: *a', '--- a\n--- b']) {
      const parsed = parseScenario(text);
      if (parsed.scenario === undefined) assert.ok(parsed.problems.length > 0, `no problem reported for ${JSON.stringify(text)}`);
      for (const p of parsed.problems) assert.ok(p.range.start >= 0 && p.range.start <= p.range.end && p.range.end <= text.length);
    }
  });

  it('reports a complex key as a wrong type at the key', () => {
    const text = minimal + '? [a, b]\n: c\n';
    const { problems } = parseScenario(text);
    assert.deepEqual(problems.map((p) => p.code), ['wrong-type']);
    assert.equal(slice(text, problems[0]!.range), '[a, b]');
  });
});

describe('parseScenario: personas', () => {
  it('leaves out a personas entry that is not a map, and reports it at the entry', () => {
    const text = minimal + 'personas:\n  - { who: Ana }\n  - Ben\n';
    const { scenario, problems } = parseScenario(text);
    assert.equal(scenario!.personas.length, 1);
    assert.deepEqual(problems.map((p) => [p.code, text.slice(p.range.start, p.range.end)]), [['wrong-type', 'Ben']]);
  });
});
