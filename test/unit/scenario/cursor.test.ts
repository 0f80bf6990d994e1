import * as assert from 'node:assert/strict';
import { cursorAt, placeholderAt, wordAt } from '../../../src/core/scenario/cursor';
import { SCENARIO, cursorAfter, withCursor } from './languageServiceFixture';

describe('cursorAt', () => {
  it('finds a key with the path of its mapping and its siblings', () => {
    const { parsed, offset } = cursorAfter('    lab');
    const c = cursorAt(parsed, offset);
    assert.equal(c.kind, 'key');
    assert.deepEqual(c.path, ['values', 'privacy']);
    assert.equal(c.word, 'label');
    assert.equal(parsed.text.slice(c.range.start, c.range.end), 'label');
    assert.deepEqual(c.siblings, ['label', 'scale', 'items']);
  });

  it('finds a scalar value with a path ending in its key', () => {
    const { parsed, offset } = cursorAfter('privacy: dec');
    const c = cursorAt(parsed, offset);
    assert.equal(c.kind, 'value');
    assert.deepEqual(c.path, ['action', 'expect', 'privacy']);
    assert.equal(c.word, 'decline');
  });

  it('indexes sequences: a name inside a flow rank list', () => {
    const { parsed, offset } = cursorAfter('rank: [privacy, pro');
    const c = cursorAt(parsed, offset);
    assert.equal(c.kind, 'value');
    assert.deepEqual(c.path, ['arbitration', 1, 'rank', 1]);
    assert.equal(c.word, 'prosocial');
  });

  it('treats a lone word on the line under `key:` as a child key being typed', () => {
    const { parsed, offset } = withCursor('dilemma: x\naction:\n  expect:\n    pri‸\n');
    const c = cursorAt(parsed, offset);
    assert.equal(c.kind, 'key');
    assert.deepEqual(c.path, ['action', 'expect']);
    assert.equal(c.word, 'pri');
  });

  it('on a blank line, picks the mapping by indentation', () => {
    const text = SCENARIO.replace('    prosocial: share\n', '    prosocial: share\n    ‸\n');
    const { parsed, offset } = withCursor(text);
    const c = cursorAt(parsed, offset);
    assert.equal(c.kind, 'key');
    assert.deepEqual(c.path, ['action', 'expect']);
    assert.deepEqual(c.siblings, ['privacy', 'prosocial']);
    const top = withCursor(SCENARIO + '‸');
    assert.deepEqual(cursorAt(top.parsed, top.offset).path, []);
    const inVariant = withCursor(SCENARIO.replace('  - name: pharma\n', '  - name: pharma\n    ‸\n'));
    const v = cursorAt(inVariant.parsed, inVariant.offset);
    assert.equal(v.kind, 'key');
    assert.deepEqual(v.path, ['variants', 1]);
  });

  it('inside {{ reports the placeholder and the span of its name', () => {
    const { parsed, offset } = cursorAfter('to {{recip');
    const c = cursorAt(parsed, offset);
    assert.equal(c.kind, 'placeholder');
    assert.equal(c.word, 'recipient');
    assert.equal(parsed.text.slice(c.range.start, c.range.end), 'recipient');
    assert.deepEqual(c.path, ['action', 'prompt']);
  });
});

describe('placeholderAt and wordAt', () => {
  it('sees an unclosed placeholder being typed, and not one in a comment', () => {
    const text = 'prompt: Hello {{na';
    const p = placeholderAt(text, text.length);
    assert.deepEqual(p, { name: 'na', range: { start: 16, end: 18 }, closed: false });
    assert.equal(placeholderAt('x: 1 # {{na', 11), undefined);
    assert.equal(placeholderAt('a {{b}} c', 8), undefined, 'after the closing braces');
    assert.equal(placeholderAt('a {{ b }} c', 5)?.closed, true);
  });

  it('takes letters, digits, _ and - as a word', () => {
    assert.deepEqual(wordAt('x: no-consent_2, y', 7), { word: 'no-consent_2', range: { start: 3, end: 15 } });
    assert.deepEqual(wordAt('a: ', 3), { word: '', range: { start: 3, end: 3 } });
  });
});
