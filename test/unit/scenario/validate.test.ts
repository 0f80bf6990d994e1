import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { parseScenario } from '../../../src/core/scenario/parse';
import { checkScenario, validateScenario } from '../../../src/core/scenario/validate';
import { repoPath } from '../../support/paths';

const base = `dilemma: v
vars:
  place: the clinic
values:
  privacy:
    scale: { min: 1, max: 7 }
    items:
      - I guard my data at {{place}}.
  prosocial:
    scale: { min: 1, max: 5 }
    items:
      - I help others.
action:
  prompt: Share with {{place}}?
  choices: { share: Share, decline: Keep }
  expect: { privacy: decline, prosocial: share }
`;

const codes = (text: string) => checkScenario(text).problems.map((p) => p.code);
const at = (text: string, code: string) => {
  const p = checkScenario(text).problems.find((q) => q.code === code);
  assert.ok(p, `no ${code} problem`);
  return { problem: p, text: text.slice(p.range.start, p.range.end) };
};

describe('validateScenario', () => {
  it('finds no problem in any example', () => {
    const dir = repoPath('examples');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.dilemma.yaml'));
    assert.ok(files.length >= 3);
    for (const f of files) assert.deepEqual(checkScenario(fs.readFileSync(`${dir}/${f}`, 'utf8')).problems, [], f);
  });

  it('gives every example 4 or more items per value so the SEM can run', () => {
    const dir = repoPath('examples');
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.dilemma.yaml'))) {
      const { parsed } = checkScenario(fs.readFileSync(`${dir}/${f}`, 'utf8'));
      for (const v of parsed.scenario!.values) assert.ok(v.items.length >= 4, `${f}: ${v.name} has ${v.items.length} items`);
    }
  });

  it('is the same as parse then validate, with problems sorted by start', () => {
    const text = base.replace('I help others.', 'I help {{nobody}}.') + 'run: { samles: 3 }\nassert: { vaar: { min: 2 } }\n';
    const { parsed, problems } = checkScenario(text);
    assert.deepEqual(validateScenario(parseScenario(text)), problems);
    assert.deepEqual(validateScenario(parsed), problems);
    const starts = problems.map((p) => p.range.start);
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
    assert.equal(problems.length, 3);
  });

  describe('placeholders', () => {
    it('accepts a name defined by every variant that uses the template', () => {
      const text = base.replace('Share with {{place}}?', 'Share with {{place}} for {{why}}?') + 'variants:\n  - name: a\n    vars: { why: science }\n  - name: b\n    vars: { why: money }\n';
      assert.deepEqual(codes(text), []);
    });

    it('accepts a name only a variant needs when that variant replaces the template', () => {
      const text = base + 'variants:\n  - name: a\n  - name: b\n    vars: { why: money }\n    action: { prompt: "Share for {{why}}?" }\n';
      assert.deepEqual(codes(text), []);
    });

    it('does not ask a variant for the names of items it rewords', () => {
      const text = base.replace('I help others.', 'I help {{group}}.') + 'variants:\n  - name: a\n    vars: { group: neighbours }\n  - name: b\n    values:\n      prosocial:\n        items: [I help people.]\n';
      assert.deepEqual(codes(text), []);
    });

    it('accepts persona placeholders that every personas entry defines, and names the entry that lacks one', () => {
      const ok = base + 'persona: You are {{name}}.\npersonas:\n  - { name: Ana }\n  - { name: Ben }\n';
      assert.deepEqual(codes(ok), []);
      const missing = ok.replace('- { name: Ben }', '- { nom: Ben }');
      const { problem, text } = at(missing, 'undefined-placeholder');
      assert.equal(text, '{{name}}');
      assert.match(problem.message, /personas entry 2 lacks it/);
    });

    it('names the variants that lack a value, eliding long lists', () => {
      const variants = Array.from({ length: 9 }, (_, i) => `  - name: v${i}\n`).join('');
      const text = base.replace('Share with {{place}}?', 'Share {{what}}?') + `variants:\n${variants}  - name: last\n    vars: { what: all }\n`;
      const problems = checkScenario(text).problems.filter((p) => p.code === 'undefined-placeholder');
      assert.equal(problems.length, 1);
      assert.match(problems[0]!.message, /variants `v0`, `v1`, `v2`, `v3` and 5 more/);
    });

    it('offers a fix with the closest defined name, replacing only the name', () => {
      const text = base.replace('Share with {{place}}?', 'Share with {{plase}}?');
      const { problem, text: written } = at(text, 'undefined-placeholder');
      assert.equal(written, '{{plase}}');
      const fix = problem.fixes![0]!;
      assert.equal(fix.replacement, 'place');
      assert.equal(text.slice(fix.range.start, fix.range.end), 'plase');
    });

    it('reports each occurrence of an undefined name at its own place', () => {
      const text = base.replace('I help others.', 'I help {{who}} and {{who}}.');
      const problems = checkScenario(text).problems.filter((p) => p.code === 'undefined-placeholder');
      assert.equal(problems.length, 2);
      assert.notEqual(problems[0]!.range.start, problems[1]!.range.start);
    });

    it('counts a var compared in an arbitration rule as used', () => {
      const text = base.replace('  place: the clinic', '  place: the clinic\n  consent: asked') + 'arbitration:\n  - when: { consent: asked }\n    require: share\n';
      assert.deepEqual(codes(text), []);
    });

    it('warns about unused vars in vars, personas and variants, at the var name', () => {
      const text = base + 'personas:\n  - { mood: calm }\nvariants:\n  - name: a\n    vars: { spare: x }\n';
      const problems = checkScenario(text).problems;
      assert.deepEqual(problems.map((p) => [p.code, p.severity, text.slice(p.range.start, p.range.end)]), [
        ['unused-var', 'warning', 'mood'],
        ['unused-var', 'warning', 'spare'],
      ]);
    });
  });

  describe('scale actions', () => {
    const scaleAction = base.replace('  choices: { share: Share, decline: Keep }', '  scale: { min: 1, max: 7 }').replace('{ privacy: decline, prosocial: share }', '{ privacy: negative, prosocial: positive }');

    it('accepts positive/negative expectations and high/low requirements', () => {
      assert.deepEqual(codes(scaleAction + 'arbitration:\n  - require: low\n'), []);
    });

    it('rejects a requirement that is not high or low, offering the close one', () => {
      const { problem, text } = at(scaleAction + 'arbitration:\n  - require: hihg\n', 'unknown-direction');
      assert.equal(text, 'hihg');
      assert.equal(problem.fixes?.[0]?.replacement, 'high');
    });

    it('rejects variant choices when the action is a scale', () => {
      const { text } = at(scaleAction + 'variants:\n  - name: a\n    action: { choices: { yes: Y, no: N } }\n', 'action-choices-and-scale');
      assert.equal(text, 'yes');
    });
  });

  it('offers "did you mean" fixes for unknown keys, at the key', () => {
    const text = base + 'run:\n  max_tokens: 10\n';
    const { problem, text: written } = at(text, 'unknown-key');
    assert.equal(written, 'max_tokens');
    assert.deepEqual(problem.fixes?.map((f) => f.replacement), ['max-tokens']);
    assert.match(problem.message, /Did you mean `max-tokens`\?/);
  });

  it('lists the allowed keys when no key is close', () => {
    const { problem } = at(base + 'run:\n  flavour: 10\n', 'unknown-key');
    assert.match(problem.message, /Allowed here: `samples`, `temperature`, `seed`, `max-tokens`, `session`, `order`, `shuffle-items`, `models`/);
    assert.equal(problem.fixes, undefined);
  });

  it('checks item ids across values, and within each variant', () => {
    const text = base.replace('      - I help others.', '      - { id: shared, text: I help others. }').replace('      - I guard my data at {{place}}.', '      - id: shared\n        text: I guard my data at {{place}}.');
    assert.deepEqual(codes(text), ['duplicate-item-id']);
    assert.equal(at(text, 'duplicate-item-id').problem.range.start, text.lastIndexOf('shared'));
    const variant = base + 'variants:\n  - name: a\n    values:\n      prosocial:\n        items:\n          - { id: prosocial.1, text: I help. }\n          - { id: prosocial.1, text: I aid. }\n';
    assert.deepEqual(codes(variant), ['duplicate-item-id']);
    assert.equal(at(variant, 'duplicate-item-id').problem.range.start, variant.lastIndexOf('prosocial.1'));
  });

  it('accepts a rank that names only values with an expectation', () => {
    assert.deepEqual(codes(base + 'arbitration:\n  - rank: [prosocial, privacy]\n'), []);
  });
});
