import * as assert from 'node:assert/strict';
import { parseSemSyntax, SemSyntaxError } from '../../../../src/core/analysis/sem/syntax';

function errorAt(text: string): { line: number; col: number; message: string } {
  try {
    parseSemSyntax(text);
  } catch (e) {
    assert.ok(e instanceof SemSyntaxError, String(e));
    return { line: e.line, col: e.col, message: e.message };
  }
  assert.fail(`no error for ${JSON.stringify(text)}`);
}

describe('lavaan syntax subset', () => {
  it('reads =~, ~ and ~~ with comments, continuations, ; separators and modifiers', () => {
    const s = parseSemSyntax([
      '# comment line',
      'F1 =~ a + b +   ! trailing operator continues',
      '      c',
      'F2 =~ d + 0.8*e',
      '  + NA*f ; F2 ~ F1',
      'a ~~ b',
    ].join('\n'));
    assert.deepEqual(s.map((x) => [x.lhs.name, x.op, x.rhs.map((t) => t.name)]), [
      ['F1', '=~', ['a', 'b', 'c']],
      ['F2', '=~', ['d', 'e', 'f']],
      ['F2', '~', ['F1']],
      ['a', '~~', ['b']],
    ]);
    assert.equal(s[1]!.rhs[1]!.fixed, 0.8);
    assert.equal(s[1]!.rhs[2]!.free, true);
    assert.deepEqual([s[0]!.rhs[2]!.line, s[0]!.rhs[2]!.col], [3, 7]);
    assert.deepEqual(s[3]!.lhs.span, { start: 'x'.repeat(0).length + '# comment line\nF1 =~ a + b +   ! trailing operator continues\n      c\nF2 =~ d + 0.8*e\n  + NA*f ; F2 ~ F1\n'.length, end: '# comment line\nF1 =~ a + b +   ! trailing operator continues\n      c\nF2 =~ d + 0.8*e\n  + NA*f ; F2 ~ F1\n'.length + 1 });
  });

  it('reads the reference model file', () => {
    const s = parseSemSyntax('  PC =~ pc1 + pc2\n  AoDS ~ PC + PSA\n  PC ~~ PSA\n');
    assert.equal(s.length, 3);
  });

  const cases: [string, string, number, number, RegExp][] = [
    ['unknown operator', 'F =~ a\nF := a', 2, 3, /operator ":=" is not supported/],
    ['missing operator', 'F =~ a\nF a', 2, 3, /expected an operator/],
    ['dangling plus at the end', 'F =~ a + ', 1, 8, /expected a variable name after "\+"/],
    ['label modifier', 'F =~ a + lab*b', 1, 10, /labels \("lab\*"\) are not supported/],
    ['intercept term', 'F =~ a\na ~ 1', 2, 5, /intercept terms/],
    ['statement starting with a number', '3 =~ a', 1, 1, /expected a variable name/],
    ['two names without +', 'F =~ a b', 1, 8, /expected "\+" or the end of the statement/],
    ['several left-hand variables', 'a + b ~~ c', 1, 3, /several left-hand variables/],
    ['stray character', 'F =~ a + $b', 1, 10, /expected a variable name, found "\$"/],
  ];
  for (const [what, text, line, col, re] of cases) {
    it(`reports ${what} at line:col`, () => {
      const e = errorAt(text);
      assert.deepEqual([e.line, e.col], [line, col], e.message);
      assert.match(e.message, re);
      assert.ok(e.message.startsWith(`${line}:${col}: `));
    });
  }
});
