import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { makeProblem, PROBLEM_CODES } from '../../../src/core/scenario/problemCodes';
import { repoPath } from '../../support/paths';

describe('problem codes', () => {
  const codes = Object.keys(PROBLEM_CODES);

  it('are kebab-case', () => {
    for (const c of codes) assert.match(c, /^[a-z]+(-[a-z]+)*$/);
  });

  it('are each documented in docs/problems.md with their severity, and nothing else is', () => {
    const doc = fs.readFileSync(repoPath('docs', 'problems.md'), 'utf8');
    const rows = new Map([...doc.matchAll(/^\| \[`([a-z-]+)`\]\(#[a-z-]+\) \| (\w+) \|/gm)].map((m) => [m[1]!, m[2]!] as const));
    assert.deepEqual([...rows.keys()].sort(), [...codes].sort());
    for (const c of codes) {
      assert.equal(rows.get(c), PROBLEM_CODES[c as keyof typeof PROBLEM_CODES].severity, c);
      assert.ok(doc.includes(`\n## ${c}\n`), `no section for ${c}`);
    }
  });

  it('are each exercised by at least one invalid fixture', () => {
    const dir = repoPath('test', 'fixtures', 'invalid');
    const expected = new Set(fs.readdirSync(dir).flatMap((f) => [...fs.readFileSync(`${dir}/${f}`, 'utf8').matchAll(/^# expect: ([a-z-]+) /gm)].map((m) => m[1]!)));
    assert.deepEqual(codes.filter((c) => !expected.has(c)), []);
  });

  it('carry the documented severity and copy the range they are given', () => {
    const range = { start: 3, end: 7 };
    const p = makeProblem('unused-var', 'Var `x` is not used.', range);
    assert.equal(p.severity, 'warning');
    assert.notEqual(p.range, range);
    assert.deepEqual(p.range, range);
    assert.equal(p.fixes, undefined);
    assert.equal(makeProblem('unknown-key', 'Unknown key.', range).severity, 'error');
  });
});
