import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { parseScenario } from '../../../src/core/scenario/parse';
import { effectiveVars, renderTemplate, renderVariant } from '../../../src/core/scenario/render';
import type { Scenario } from '../../../src/core/scenario/model';
import { repoPath } from '../../support/paths';

function load(name: string): { text: string; s: Scenario } {
  const text = fs.readFileSync(repoPath('examples', `${name}.dilemma.yaml`), 'utf8');
  const parsed = parseScenario(text);
  assert.ok(parsed.scenario);
  return { text, s: parsed.scenario };
}

const variant = (s: Scenario, name: string) => {
  const v = s.variants.find((x) => x.name === name);
  assert.ok(v, `no variant ${name}`);
  return v;
};

describe('renderTemplate', () => {
  const text = 'action:\n  prompt: "Give {{ who }} the {{what}} and {{who}} again; {{bad name}} stays"\n';
  const prompt = () => {
    const s = parseScenario(`dilemma: r\nvalues: {}\n${text}`);
    // The template is read even though this scenario is incomplete: the renderer only needs the template.
    return s.scenario!.action!.prompt!;
  };

  it('replaces every placeholder, with or without inner spaces', () => {
    const r = renderTemplate(prompt(), new Map([['who', 'Ana'], ['what', 'file']]));
    assert.equal(r.text, 'Give Ana the file and Ana again; {{bad name}} stays');
    assert.deepEqual(r.missing, []);
  });

  it('leaves a missing placeholder as written and reports it at its own range', () => {
    const t = prompt();
    const r = renderTemplate(t, new Map([['who', 'Ana']]));
    assert.equal(r.text, 'Give Ana the {{what}} and Ana again; {{bad name}} stays');
    assert.equal(r.missing.length, 1);
    const src = `dilemma: r\nvalues: {}\n${text}`;
    assert.equal(src.slice(r.missing[0]!.range.start, r.missing[0]!.range.end), '{{what}}');
  });

  it('reports the second occurrence of a missing name at the second place', () => {
    const t = prompt();
    const r = renderTemplate(t, new Map([['what', 'file']]));
    assert.equal(r.missing.length, 2);
    assert.ok(r.missing[0]!.range.start < r.missing[1]!.range.start);
  });
});

describe('effectiveVars', () => {
  it('layers scenario vars, then the persona entry, then the variant (later wins)', () => {
    const s = parseScenario(`dilemma: e
vars: { a: scenario, b: scenario, c: scenario }
personas:
  - { b: persona, c: persona }
variants:
  - name: v
    vars: { c: variant }
values: {}
action: { prompt: x, choices: { p: P, q: Q }, expect: {} }
`).scenario!;
    const vars = effectiveVars(s, s.variants[0]!, s.personas[0]);
    assert.deepEqual(Object.fromEntries(vars), { a: 'scenario', b: 'persona', c: 'variant' });
    assert.deepEqual(Object.fromEntries(effectiveVars(s, s.variants[0]!)), { a: 'scenario', b: 'scenario', c: 'variant' });
  });
});

describe('renderVariant', () => {
  it('renders the system prompt from a persona entry, every value block and the action', () => {
    const { s } = load('health-registry');
    const r = renderVariant(s, variant(s, 'pharma'), s.personas[0]);
    assert.equal(r.variant, 'pharma');
    assert.match(r.system!, /^You are Ana, 34 years old, working as a nurse\./);
    assert.deepEqual(r.values.map((v) => [v.name, v.label, v.items.length]), [['privacy', 'Privacy concern', 5], ['prosocial', 'Prosocialness', 5], ['acceptance', 'Acceptance of sharing', 4]]);
    assert.deepEqual(r.values[0]!.items[3], { id: 'pc-careless', value: 'privacy', text: 'I seldom think twice before giving out personal data.', reverse: true });
    assert.equal(r.action.prompt, "The hospital asks whether it may send your full medical history to a pharmaceutical company's research team\nto improve diabetes treatment for everyone. Consent is asked. What do you do?\n");
    assert.deepEqual(r.action.choices, [{ id: 'share', label: 'Let the hospital send my history' }, { id: 'decline', label: 'Keep my history private' }]);
    assert.deepEqual(r.missing, []);
  });

  it("uses a variant's own prompt and choice labels", () => {
    const { s } = load('contact-tracing');
    const r = renderVariant(s, variant(s, 'neutral-wording'), s.personas[1]);
    assert.match(r.action.prompt, /^the national health authority offers a tracing app during a measles outbreak in your city\./);
    assert.deepEqual(r.action.choices!.map((c) => c.label), ['Full location history', 'Exposure alerts only', 'Neither']);
    assert.match(r.system!, /47-year-old primary-school teacher/);
  });

  it('uses reworded items for the values a variant rewords and keeps the others', () => {
    const { s } = load('school-records');
    const r = renderVariant(s, variant(s, 'plain-questionnaire'));
    assert.equal(r.values[0]!.items[0]!.text, 'Parents should decide what schools share about their children.');
    assert.equal(r.values[0]!.items[3]!.reverse, true);
    assert.equal(r.values[1]!.items[0]!.text, 'I help other families when I can, even if it takes my time.');
    assert.equal(r.action.choices, undefined);
    assert.deepEqual({ min: r.action.scale!.min, max: r.action.scale!.max }, { min: 1, max: 7 });
    assert.equal(r.system, undefined);
  });

  it('collects every unresolved placeholder with its range', () => {
    const { text, s } = load('health-registry');
    // Without a persona entry the persona template has nothing for name, age and job.
    const r = renderVariant(s, variant(s, 'baseline'));
    assert.deepEqual(r.missing.map((p) => text.slice(p.range.start, p.range.end)), ['{{name}}', '{{age}}', '{{job}}']);
    assert.match(r.system!, /^You are \{\{name\}\}, \{\{age\}\} years old/);
  });
});
