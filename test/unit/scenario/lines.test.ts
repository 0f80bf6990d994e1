import * as assert from 'node:assert/strict';
import { lineStarts, offsetIn, positionIn } from '../../../src/core/scenario/lines';
import { parseScenario } from '../../../src/core/scenario/parse';
import { checkScenario } from '../../../src/core/scenario/validate';

describe('line starts from the text (CRLF, CR, LF)', () => {
  it('counts CRLF as one break and lone CR and LF as one each', () => {
    // "a\r\nb\rc\nd": lines start at a=0, b=3, c=5, d=7.
    assert.deepEqual(lineStarts('a\r\nb\rc\nd'), [0, 3, 5, 7]);
    assert.deepEqual(lineStarts(''), [0]);
    assert.deepEqual(lineStarts('\n'), [0, 1]);
  });

  it('maps offsets to line:col and back', () => {
    const text = 'ab\r\ncd\re\n\nf';
    const starts = lineStarts(text);
    // By hand: 'c' is offset 4, line 2 col 1; 'e' offset 7, line 3 col 1; 'f' offset 10, line 5 col 1.
    assert.deepEqual(positionIn(starts, text.length, 4), { line: 2, column: 1 });
    assert.deepEqual(positionIn(starts, text.length, 7), { line: 3, column: 1 });
    assert.deepEqual(positionIn(starts, text.length, 10), { line: 5, column: 1 });
    assert.deepEqual(positionIn(starts, text.length, 11), { line: 5, column: 2 });
    for (let o = 0; o <= text.length; o++) {
      const p = positionIn(starts, text.length, o);
      assert.equal(offsetIn(starts, p.line, p.column), o, `offset ${o}`);
    }
  });

  it('parsed.lineCounter points at the real place of a problem inside an error-recovered token (issue 11 §5)', () => {
    const text = '\t      {{operator}} o\n        which it keeps for {{retention}}, or only send exposure alerts. Mandatory: {{mandatory}}.';
    const { parsed, problems } = checkScenario(text);
    const last = problems.find((p) => p.message.includes('at node end'));
    assert.ok(last, JSON.stringify(problems));
    // Line 1 is 21 characters plus the LF, so line 2 starts at offset 22.
    assert.equal(text.indexOf('\n') + 1, 22);
    const { line, col } = parsed.lineCounter.linePos(last.range.start);
    assert.deepEqual({ line, col }, { line: 2, col: last.range.start - 22 + 1 });
    assert.deepEqual({ line, col }, { line: 2, col: 97 });
  });

  it('parsed.lineCounter counts lone CR line ends', () => {
    const text = 'dilemma: x\rvalues: 3\rbogus: 1\r';
    const parsed = parseScenario(text);
    const at = text.indexOf('bogus');
    assert.deepEqual(parsed.lineCounter.linePos(at), { line: 3, col: 1 });
  });
});
