import * as assert from 'node:assert/strict';
import { isRefusal, readChoice, readScale } from '../../../src/core/run/answers';

const likert = { min: 1, max: 7 };
const choices = [
  { id: 'share', label: 'Let the hospital send my history' },
  { id: 'decline', label: 'Keep my history private' },
];

describe('answers: reading a scale answer', () => {
  it('reads a lone number, with or without punctuation', () => {
    assert.deepEqual(readScale('5', likert), { status: 'ok', value: 5 });
    assert.deepEqual(readScale('  6.\n', likert), { status: 'ok', value: 6 });
    assert.deepEqual(readScale('**3**', likert), { status: 'ok', value: 3 });
  });
  it('reads a JSON object, also inside a code fence, and a numeric string field', () => {
    assert.deepEqual(readScale('{"answer": 4}', likert), { status: 'ok', value: 4 });
    assert.deepEqual(readScale('```json\n{"answer": 2}\n```', likert), { status: 'ok', value: 2 });
    assert.deepEqual(readScale('{"rating": "7"}', likert), { status: 'ok', value: 7 });
  });
  it('reads a sentence with one number once scale restatements are discounted', () => {
    assert.deepEqual(readScale('I would say 5.', likert), { status: 'ok', value: 5 });
    assert.deepEqual(readScale('On a scale from 1 to 7, my answer is 6.', likert), { status: 'ok', value: 6 });
    assert.deepEqual(readScale('I rate it 3 out of 7', likert), { status: 'ok', value: 3 });
  });
  it('leaves out-of-range, fractional, ambiguous and wordy answers unparsed, with no value', () => {
    for (const t of ['9', '0', '4.5', '{"answer": 12}', 'Somewhere between 3 or 5', 'It depends on the situation.', '', '{"answer": "four"}']) {
      const r = readScale(t, likert);
      assert.equal(r.status, 'unparsed', t);
      assert.equal(r.value, undefined, t);
    }
  });
  it('marks recognisable refusals as refused, never as a number', () => {
    for (const t of ["I'm sorry, I can't answer that.", 'As an AI, I do not have personal opinions.', 'I cannot provide a rating for this.']) {
      assert.deepEqual(readScale(t, likert), { status: 'refused' }, t);
    }
  });
});

describe('answers: reading a choice', () => {
  it('reads the id or the label alone, case-insensitively', () => {
    assert.deepEqual(readChoice('share', choices), { status: 'ok', choice: 'share' });
    assert.deepEqual(readChoice('DECLINE.', choices), { status: 'ok', choice: 'decline' });
    assert.deepEqual(readChoice('Keep my history private', choices), { status: 'ok', choice: 'decline' });
  });
  it('reads a JSON object with the id or the label', () => {
    assert.deepEqual(readChoice('{"answer":"share"}', choices), { status: 'ok', choice: 'share' });
    assert.deepEqual(readChoice('{"choice":"Keep my history private"}', choices), { status: 'ok', choice: 'decline' });
    assert.deepEqual(readChoice('{"answer":"maybe"}', choices), { status: 'unparsed' });
  });
  it('reads a sentence naming exactly one choice', () => {
    assert.deepEqual(readChoice('After thinking it over, I would share.', choices), { status: 'ok', choice: 'share' });
  });
  it('does not turn a negated or a double mention into a choice', () => {
    assert.deepEqual(readChoice('I would not share it.', choices), { status: 'unparsed' });
    assert.deepEqual(readChoice('Either share or decline, hard to say.', choices), { status: 'unparsed' });
    assert.deepEqual(readChoice('Sharing is caring', choices), { status: 'unparsed' });
  });
  it('marks refusals', () => {
    assert.deepEqual(readChoice("I'm sorry, but I can't make that decision for you.", choices), { status: 'refused' });
    assert.equal(isRefusal('share'), false);
  });
});
