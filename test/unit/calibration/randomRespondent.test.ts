import * as assert from 'node:assert/strict';
import { actionQuestion, itemQuestion } from '../../../src/core/run/prompts';
import type { RecordedRequest } from '../../support/openaiServer';
import { NOTHING_OFFERED_TEXT, offeredAnswers, randomRespondent } from '../../support/randomRespondent';

const ask = (content: string, model = 'sim-random'): RecordedRequest => ({ model, messages: [{ role: 'user', content }], stream: false, headers: {}, body: {} });

describe('sim/sim-random, the null respondent', () => {
  const choice = actionQuestion('Share your records?', { choices: [{ id: 'share', label: 'Share them' }, { id: 'decline', label: 'Keep them' }, { id: 'ask', label: 'Ask first' }] });
  const item = itemQuestion('I value privacy.', { min: 1, max: 7, low: 'Strongly disagree', high: 'Strongly agree' });

  it('reads the offered answers from the question text alone', () => {
    assert.deepEqual(offeredAnswers(choice), ['share', 'decline', 'ask']);
    assert.deepEqual(offeredAnswers(item), ['1', '2', '3', '4', '5', '6', '7']);
    assert.equal(randomRespondent(1)(ask('What is your name?')), NOTHING_OFFERED_TEXT);
  });

  it('answers uniformly among them (chi-square), reproducibly for a seed and differently across seeds', () => {
    const draw = (seed: number, q: string, n: number): string[] => {
      const r = randomRespondent(seed);
      return Array.from({ length: n }, () => r(ask(q)));
    };
    const answers = draw(1, item, 3500);
    const counts = ['1', '2', '3', '4', '5', '6', '7'].map((k) => answers.filter((a) => a === k).length);
    // 6 df: qchisq(0.999, 6) = 22.458 in R; uniform expectation 500 per point.
    const chisq = counts.reduce((s, c) => s + (c - 500) ** 2 / 500, 0);
    assert.ok(chisq < 22.458, `chi-square ${chisq} for ${counts}`);
    const choices = draw(2, choice, 3000);
    for (const id of ['share', 'decline', 'ask']) assert.ok(Math.abs(choices.filter((a) => a === id).length - 1000) < 120, id);
    assert.deepEqual(draw(5, item, 50), draw(5, item, 50));
    assert.notDeepEqual(draw(5, item, 50), draw(6, item, 50));
  });

  it('draws per sample from the request seed the engine sends (run.seed + sample), reproducibly', () => {
    const withSeed = (seed: number): RecordedRequest => ({ ...ask(item), body: { seed } });
    // A fresh respondent per sample, so the repeat counter plays no part: only the request seed separates them.
    const perSample = (respondentSeed: number): string[] => Array.from({ length: 60 }, (_, s) => randomRespondent(respondentSeed)(withSeed(7 + s)));
    const answers = perSample(3);
    assert.ok(new Set(answers).size >= 5, `60 samples with their own request seed gave only ${new Set(answers).size} distinct answers`);
    assert.deepEqual(perSample(3), answers);
    assert.notDeepEqual(perSample(4), answers);
  });
});
