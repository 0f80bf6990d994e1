import * as assert from 'node:assert/strict';
import { scenarioChanges } from '../../../src/core/analysis/scenarioChanges';
import { parseScenario } from '../../../src/core/scenario/parse';

const BASE = `dilemma: changes
persona: You are {{name}}.
personas:
  - { name: Ana }
values:
  privacy:
    scale: { min: 1, max: 7 }
    items:
      - { id: pc1, text: I care about my data. }
      - { id: pc2, text: I share freely., reverse: true }
  prosocial:
    scale: { min: 1, max: 5 }
    items: [I help others.]
action:
  prompt: Share your records with {{recipient}} so that it can improve treatment for every patient in the country?
  choices: { share: Share them, decline: Keep them }
  expect: { privacy: decline, prosocial: share }
vars: { recipient: a registry }
arbitration:
  - rank: [privacy, prosocial]
variants:
  - name: baseline
  - name: pharma
    vars: { recipient: a drug company }
run:
  samples: 10
`;

const parse = (text: string) => parseScenario(text).scenario!;
const edit = (...pairs: [string, string][]): string => pairs.reduce((t, [a, b]) => {
  assert.ok(t.includes(a), `the fixture has ${a}`);
  return t.replace(a, b);
}, BASE);

describe('scenarioChanges', () => {
  it('finds nothing between a version and itself', () => {
    const d = scenarioChanges(parse(BASE), parse(BASE));
    assert.deepEqual(d.changes, []);
    assert.deepEqual({ ...d.comparability, distribution: [...d.comparability.distribution] }, { divergence: null, vaar: null, pairing: null, distribution: [['baseline', null], ['pharma', null]] });
  });

  it('lists prompt, item, vars and choice changes per variant, showing the changed words, and keeps everything comparable', () => {
    const cand = edit(
      ['every patient in the country', 'every patient in the whole world'],
      ['{ id: pc1, text: I care about my data. }', '{ id: pc1, text: I care about my medical data. }'],
      ['recipient: a drug company', 'recipient: an insurer'],
      ['decline: Keep them', 'decline: Keep them private'],
      ['persona: You are {{name}}.', 'persona: You are {{name}}, a patient.'],
    );
    const d = scenarioChanges(parse(BASE), parse(cand));
    const of = (variant: string) => d.changes.filter((c) => c.variant === variant).map((c) => `${c.what}: ${c.detail}`);
    assert.deepEqual(of('pharma'), [
      'system-prompt: system prompt: "You are Ana." → "You are Ana, a patient."',
      'items: items: pc1 reworded "I care about my data." → "I care about my medical data."',
      'action-prompt: action prompt: "a drug company" → "an insurer"; "country" → "whole world"',
      'choices: choices: - decline: Keep them; + decline: Keep them private',
      'vars: vars: recipient: "a drug company" → "an insurer"',
    ]);
    assert.equal(d.comparability.divergence, null);
    assert.equal(d.comparability.vaar, null);
    assert.equal(d.comparability.pairing, null);
  });

  it('stops comparing divergence when the yardstick changes: arbitration, expect or what counts as held', () => {
    const rules = scenarioChanges(parse(BASE), parse(edit(['- rank: [privacy, prosocial]', '- rank: [prosocial, privacy]'])));
    assert.deepEqual(rules.changes.map((c) => c.what), ['arbitration']);
    assert.match(rules.comparability.divergence!, /the arbitration rules changed/);
    assert.equal(rules.comparability.vaar, null, 'the paths do not depend on the rules');
    const expect = scenarioChanges(parse(BASE), parse(edit(['expect: { privacy: decline, prosocial: share }', 'expect: { privacy: decline, prosocial: decline }'])));
    assert.match(expect.comparability.divergence!, /`expect`/);
    assert.equal(expect.comparability.vaar, 'the expected path signs (`expect`) changed');
    const held = scenarioChanges(parse(BASE), parse(edit(['{ id: pc2, text: I share freely., reverse: true }', '{ id: pc2, text: I share freely. }'])));
    assert.match(held.comparability.divergence!, /scales or reverse-coded items changed/);
    assert.deepEqual(held.changes.map((c) => c.what), ['values']);
  });

  it('does not pair samples when the personas changed, and notes changed run settings', () => {
    const d = scenarioChanges(parse(BASE), parse(edit(['- { name: Ana }', '- { name: Ben }'], ['samples: 10', 'samples: 20\n  temperature: 0.5'])));
    assert.match(d.comparability.pairing!, /personas changed/);
    assert.ok(d.changes.some((c) => c.what === 'run' && c.detail === 'run settings: samples: "10" → "20"; temperature: "" → "0.5"'), JSON.stringify(d.changes));
  });

  it('does not compare an action distribution whose kind changed, and lists added and removed variants', () => {
    const cand = edit(
      ['choices: { share: Share them, decline: Keep them }', 'scale: { min: 1, max: 7 }'],
      ['expect: { privacy: decline, prosocial: share }', 'expect: { privacy: negative, prosocial: positive }'],
      ['  - name: pharma\n    vars: { recipient: a drug company }', '  - name: insurer\n    vars: { recipient: an insurer }'],
    );
    const d = scenarioChanges(parse(BASE), parse(cand));
    assert.equal(d.comparability.distribution.get('baseline'), 'the action changed from a choice to a 1..7 scale');
    assert.equal(d.comparability.distribution.has('pharma'), false);
    assert.deepEqual(d.changes.filter((c) => c.what.startsWith('variant')).map((c) => c.detail), [
      'variant "pharma" is only in the baseline\'s version', 'variant "insurer" is only in the candidate\'s version',
    ]);
  });
});
