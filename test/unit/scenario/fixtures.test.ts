import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { checkScenario } from '../../../src/core/scenario/validate';
import { repoPath } from '../../support/paths';

const dir = repoPath('test', 'fixtures', 'invalid');

/** 1-based line and column of an offset, counted here from the text so the expectation owes nothing to the parser. */
function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `${line}:${offset - (before.lastIndexOf('\n') + 1) + 1}`;
}

describe('invalid fixtures (test/fixtures/invalid)', () => {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.dilemma.yaml')).sort();

  it('has at least 35 distinct invalid inputs', () => {
    assert.ok(files.length >= 35, `only ${files.length} fixtures`);
    const texts = new Set(files.map((f) => fs.readFileSync(`${dir}/${f}`, 'utf8').replace(/^#.*\n/gm, '')));
    assert.equal(texts.size, files.length, 'two fixtures have the same body');
  });

  for (const file of files) {
    it(`${file}: reports exactly the problems its header expects`, () => {
      const text = fs.readFileSync(`${dir}/${file}`, 'utf8');
      const expected = [...text.matchAll(/^# expect: ([a-z-]+) (\d+:\d+)$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
      assert.ok(expected.length > 0, 'fixture has no `# expect:` header');
      const { problems } = checkScenario(text);
      const actual = problems.map((p) => `${p.code} ${lineCol(text, p.range.start)}`).sort();
      assert.deepEqual(actual, expected, problems.map((p) => `${p.code} ${lineCol(text, p.range.start)}: ${p.message}`).join('\n'));
      for (const p of problems) {
        assert.ok(p.message.length > 10, `message too short: ${p.message}`);
        assert.ok(p.range.start <= p.range.end && p.range.end <= text.length, `range out of document: ${JSON.stringify(p.range)}`);
      }
    });
  }
});
