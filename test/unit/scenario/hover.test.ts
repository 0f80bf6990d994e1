import * as assert from 'node:assert/strict';
import { fieldDoc } from '../../../src/core/scenario/schema';
import { hoverAt } from '../../../src/core/scenario/hover';
import { SCENARIO, cursorAfter, withCursor } from './languageServiceFixture';

describe('hoverAt', () => {
  it('shows a placeholder\'s value in every variant', () => {
    const { parsed, offset } = cursorAfter('to {{recip');
    const h = hoverAt(parsed, offset);
    assert.ok(h);
    assert.equal(parsed.text.slice(h.range.start, h.range.end), 'recipient');
    const rows = h.markdown.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| variant'));
    assert.deepEqual(rows, [
      '| baseline | a research registry |',
      '| pharma | a drug company |',
      '| reworded | a research registry |',
    ]);
  });

  it('splits a variant by persona when the personas give a placeholder different values', () => {
    const text = SCENARIO.replace('persona: |\n  You work for {{purpose}}.\n',
      'persona: |\n  You are {{na‸me}}.\npersonas:\n  - { name: Ana }\n  - { name: Ben }\n');
    const { parsed, offset } = withCursor(text);
    const h = hoverAt(parsed, offset);
    assert.ok(h?.markdown.includes('| baseline (persona 1) | Ana |'), h?.markdown);
    assert.ok(h?.markdown.includes('| pharma (persona 2) | Ben |'), h?.markdown);
  });

  it('marks a placeholder that a variant leaves undefined', () => {
    const { parsed, offset } = withCursor(SCENARIO.replace('Would {{recipient}}', 'Would {{nob‸ody}}'));
    const h = hoverAt(parsed, offset);
    assert.ok(h && h.markdown.startsWith('**\\{\\{nobody\\}\\}**'), h?.markdown);
    for (const v of ['baseline', 'pharma', 'reworded']) assert.ok(h.markdown.includes(`| ${v} | *undefined* |`), h.markdown);
  });

  it('shows the schema\'s description of a field', () => {
    const { parsed, offset } = cursorAfter('  sam');
    const h = hoverAt(parsed, offset);
    const doc = fieldDoc(['run', 'samples']);
    assert.ok(doc, 'the schema documents run.samples');
    assert.ok(h?.markdown.includes(doc.description), h?.markdown);
    assert.equal(parsed.text.slice(h!.range.start, h!.range.end), 'samples');
  });

  it('says what a value or choice name refers to', () => {
    const v = cursorAfter('rank: [pri');
    assert.match(hoverAt(v.parsed, v.offset)?.markdown ?? '', /\*\*privacy\*\*: Privacy concern \(value, 2 items, scale 1–7\)/);
    const c = cursorAfter('require: dec');
    assert.match(hoverAt(c.parsed, c.offset)?.markdown ?? '', /\*\*decline\*\*: Keep them \(choice\)/);
  });

  it('has nothing to say in a comment-free blank spot', () => {
    const { parsed, offset } = withCursor(SCENARIO + '\n‸');
    assert.equal(hoverAt(parsed, offset), undefined);
  });
});
