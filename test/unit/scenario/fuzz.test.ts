import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { checkScenario } from '../../../src/core/scenario/validate';
import { renderVariant } from '../../../src/core/scenario/render';
import { PROBLEM_CODES } from '../../../src/core/scenario/problemCodes';
import type { Span } from '../../../src/core/scenario/model';
import { repoPath } from '../../support/paths';
import { seededRandom } from '../../../src/core/random';


const WRONG_VALUES = ['', '[]', '{}', '[1, 2]', '{ a: 1 }', '42', '-1', '0.5', 'true', 'yes', 'null', '~', '"{{x}}"', '|', '>-', '&a', '*a', '!tag', '"unclosed', "'", '{{', '}}', '- x', ': :'];
const RANDOM_CHARS = ['\t', '\n', ' ', ':', '-', '{', '}', '[', ']', '"', "'", '#', '&', '*', '!', '|', '>', '%', '@', '`', '\u0000', '\u00e9', '\ud83d\ude00', '\r', ','];

type Mutation = (lines: string[], rnd: () => number) => string[];
const pick = <T>(xs: readonly T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)]!;
const index = (lines: string[], rnd: () => number) => Math.floor(rnd() * lines.length);

const mutations: Record<string, Mutation> = {
  deleteLine: (l, r) => { const c = [...l]; c.splice(index(l, r), 1); return c; },
  deleteBlock: (l, r) => { const c = [...l]; c.splice(index(l, r), 1 + Math.floor(r() * 6)); return c; },
  swapLines: (l, r) => { const c = [...l]; const i = index(l, r); const j = index(l, r); [c[i], c[j]] = [c[j]!, c[i]!]; return c; },
  duplicateLine: (l, r) => { const c = [...l]; const i = index(l, r); c.splice(i, 0, c[i] ?? ''); return c; },
  wrongValue: (l, r) => {
    const c = [...l];
    const i = index(l, r);
    const line = c[i] ?? '';
    const colon = line.indexOf(': ');
    c[i] = colon >= 0 ? `${line.slice(0, colon + 2)}${pick(WRONG_VALUES, r)}` : `${line.replace(/- .*/, '- ')}${pick(WRONG_VALUES, r)}`;
    return c;
  },
  renameKey: (l, r) => {
    const c = [...l];
    const i = index(l, r);
    c[i] = (c[i] ?? '').replace(/([A-Za-z-]+):/, (_m, k: string) => `${k.slice(0, -1) || 'x'}${pick(['', 'x', '_', 'S'], r)}:`);
    return c;
  },
  reindent: (l, r) => { const c = [...l]; const i = index(l, r); c[i] = r() < 0.5 ? ` ${c[i]}` : (c[i] ?? '').replace(/^ {1,2}/, ''); return c; },
  randomBytes: (l, r) => {
    const c = [...l];
    const i = index(l, r);
    const line = c[i] ?? '';
    const at = Math.floor(r() * (line.length + 1));
    c[i] = line.slice(0, at) + pick(RANDOM_CHARS, r) + line.slice(at + (r() < 0.5 ? 1 : 0));
    return c;
  },
  truncate: (l, r) => l.slice(0, index(l, r)),
  truncateMidLine: (l, r) => { const i = index(l, r); const c = l.slice(0, i + 1); c[i] = (c[i] ?? '').slice(0, Math.floor(r() * (c[i] ?? '').length)); return c; },
};
const names = Object.keys(mutations);

function inside(range: Span, length: number): boolean {
  return Number.isInteger(range.start) && Number.isInteger(range.end) && range.start >= 0 && range.start <= range.end && range.end <= length;
}

describe('fuzz: mutated examples', function () {
  // A correctness check, not a timing: on a machine shared by many jobs a minute is not enough wall time.
  this.timeout(300_000);
  const dir = repoPath('examples');
  const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.dilemma.yaml')).map((f) => fs.readFileSync(`${dir}/${f}`, 'utf8'));
  const ITERATIONS = 3000;
  const SEED = 20260214;

  it(`${ITERATIONS} mutations (seed ${SEED}): nothing throws, every range lies inside the document`, () => {
    const rnd = seededRandom(SEED);
    const seenCodes = new Set<string>();
    let withProblems = 0;
    for (let n = 0; n < ITERATIONS; n++) {
      let lines = pick(sources, rnd).split('\n');
      const steps = 1 + Math.floor(rnd() * 3);
      const applied: string[] = [];
      for (let k = 0; k < steps; k++) {
        const m = pick(names, rnd);
        applied.push(m);
        lines = mutations[m]!(lines, rnd);
      }
      const text = lines.join(rnd() < 0.1 ? '\r\n' : '\n');
      const where = `case ${n} (${applied.join(', ')})`;
      let result: ReturnType<typeof checkScenario>;
      try {
        result = checkScenario(text);
      } catch (e) {
        assert.fail(`${where} threw: ${(e as Error).stack}\n--- input ---\n${text}`);
      }
      if (result.problems.length) withProblems++;
      for (const p of result.problems) {
        seenCodes.add(p.code);
        assert.ok(p.code in PROBLEM_CODES, `${where}: undocumented code ${p.code}`);
        assert.equal(p.severity, PROBLEM_CODES[p.code as keyof typeof PROBLEM_CODES].severity, where);
        assert.ok(inside(p.range, text.length), `${where}: ${p.code} range ${JSON.stringify(p.range)} outside 0..${text.length}`);
        for (const f of p.fixes ?? []) assert.ok(inside(f.range, text.length), `${where}: fix range outside the document`);
      }
      const s = result.parsed.scenario;
      if (s) {
        try {
          for (const v of s.variants) {
            const r = renderVariant(s, v, s.personas[0]);
            for (const m of r.missing) assert.ok(inside(m.range, text.length), `${where}: missing placeholder range outside the document`);
          }
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
          assert.fail(`${where}: renderVariant threw: ${(e as Error).stack}\n--- input ---\n${text}`);
        }
      }
    }
    // The mutations must actually break files, or this test would check nothing.
    assert.ok(withProblems > ITERATIONS / 2, `only ${withProblems} of ${ITERATIONS} mutants had problems`);
    assert.ok(seenCodes.size >= 12, `mutations reached only ${seenCodes.size} problem codes: ${[...seenCodes].join(', ')}`);
  });
});
