import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { checkScenario } from '../../../src/core/scenario/validate';
import { renderVariant } from '../../../src/core/scenario/render';
import { PROBLEM_CODES } from '../../../src/core/scenario/problemCodes';
import type { Span } from '../../../src/core/scenario/model';
import { repoPath, repoRoot } from '../../support/paths';
import { seededRandom } from '../../../src/core/random';
import { lineStarts, offsetIn, positionIn } from '../../../src/core/scenario/lines';
import { planRun, estimateShape } from '../../../src/core/run/plan';
import { sampleSeed, sessionSteps } from '../../../src/core/run/session';
import { actionQuestion, choiceSchema, itemQuestion, scaleSchema } from '../../../src/core/run/prompts';
import { bound } from '../../support/slowdown';


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
  // Numbers a careless or hostile file may hold: huge scales and sample counts, negatives, floats.
  wildNumber: (l, r) => {
    const c = [...l];
    const i = index(l, r);
    c[i] = (c[i] ?? '').replace(/-?\d+(\.\d+)?/, pick(['1000000000', '1e9', '102', '0', '-7', '99999999999999999999', '2.5', '0x10'], r));
    return c;
  },
  // A tab or a stray line break inside a text, where yaml recovers from an error with one token over two lines.
  splitLine: (l, r) => { const c = [...l]; const i = index(l, r); const line = c[i] ?? ''; const at = Math.floor(r() * (line.length + 1)); c.splice(i, 1, line.slice(0, at), `${pick(['', '\t', '  ', '        '], r)}${line.slice(at)}`); return c; },
};
const names = Object.keys(mutations);

function inside(range: Span, length: number): boolean {
  return Number.isInteger(range.start) && Number.isInteger(range.end) && range.start >= 0 && range.start <= range.end && range.end <= length;
}

/** One mutant of an example: a seeded choice of 1 to 3 mutations, joined with LF, CRLF or lone CR line ends. */
function mutant(sources: readonly string[], rnd: () => number): { text: string; applied: string[] } {
  let lines = pick(sources, rnd).split('\n');
  const steps = 1 + Math.floor(rnd() * 3);
  const applied: string[] = [];
  for (let k = 0; k < steps; k++) {
    const m = pick(names, rnd);
    applied.push(m);
    lines = mutations[m]!(lines, rnd);
  }
  const eol = rnd();
  return { text: lines.join(eol < 0.1 ? '\r\n' : eol < 0.15 ? '\r' : '\n'), applied };
}

const examples = (): string[] => {
  const dir = repoPath('examples');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.dilemma.yaml')).sort().map((f) => fs.readFileSync(`${dir}/${f}`, 'utf8'));
};

/** The text's own 1-based line:col of an offset, checked to be a place inside the text that maps back to the offset. */
function checkPlace(text: string, starts: readonly number[], offset: number, where: string): { line: number; column: number } {
  const p = positionIn(starts, text.length, offset);
  assert.ok(p.line >= 1 && p.line <= starts.length, `${where}: line ${p.line} outside 1..${starts.length}`);
  const lineEnd = p.line < starts.length ? starts[p.line]! : text.length;
  assert.ok(p.column >= 1 && starts[p.line - 1]! + p.column - 1 <= lineEnd, `${where}: column ${p.column} past the end of line ${p.line}`);
  assert.equal(offsetIn(starts, p.line, p.column), offset, `${where}: ${p.line}:${p.column} does not map back to offset ${offset}`);
  return p;
}

describe('fuzz: mutated examples', function () {
  // A correctness check, not a timing: on a machine shared by many jobs a minute is not enough wall time.
  this.timeout(300_000);
  const sources = examples();
  const ITERATIONS = 2000;
  const SEED = 20260214;
  // Issue 11: "never hangs". The slowest mutant takes a few ms on a quiet machine; a second is a hang.
  const HANG_MS = bound(2000);

  it(`${ITERATIONS} mutations (seed ${SEED}): nothing throws or hangs, every problem has a place inside the file that maps back, valid files plan`, () => {
    const rnd = seededRandom(SEED);
    const seenCodes = new Set<string>();
    const applied = new Set<string>();
    let withProblems = 0;
    let planned = 0;
    for (let n = 0; n < ITERATIONS; n++) {
      const m = mutant(sources, rnd);
      m.applied.forEach((a) => applied.add(a));
      const text = m.text;
      const where = `case ${n} (${m.applied.join(', ')})`;
      let result: ReturnType<typeof checkScenario>;
      const t0 = performance.now();
      try {
        result = checkScenario(text);
      } catch (e) {
        assert.fail(`${where} threw: ${(e as Error).stack}\n--- input ---\n${text}`);
      }
      const took = performance.now() - t0;
      assert.ok(took < HANG_MS, `${where}: validate took ${Math.round(took)} ms`);
      if (result.problems.length) withProblems++;
      const starts = lineStarts(text);
      for (const p of result.problems) {
        seenCodes.add(p.code);
        assert.ok(p.code in PROBLEM_CODES, `${where}: undocumented code ${p.code}`);
        assert.equal(p.severity, PROBLEM_CODES[p.code as keyof typeof PROBLEM_CODES].severity, where);
        assert.ok(p.message.trim().length > 10, `${where}: ${p.code} has no message`);
        assert.ok(inside(p.range, text.length), `${where}: ${p.code} range ${JSON.stringify(p.range)} outside 0..${text.length}`);
        for (const f of p.fixes ?? []) assert.ok(inside(f.range, text.length), `${where}: fix range outside the document`);
        // Issue 11 §5: the place the CLI prints (parsed.lineCounter) is the text's own line:col and maps back.
        for (const offset of [p.range.start, p.range.end]) {
          const own = checkPlace(text, starts, offset, `${where}: ${p.code}`);
          const { line, col } = result.parsed.lineCounter.linePos(offset);
          assert.deepEqual({ line, column: col }, own, `${where}: ${p.code} printed at ${line}:${col}, the text says ${own.line}:${own.column}`);
        }
      }
      const s = result.parsed.scenario;
      if (s) {
        try {
          for (const v of s.variants) {
            const r = renderVariant(s, v, s.personas[0]);
            for (const x of r.missing) assert.ok(inside(x.range, text.length), `${where}: missing placeholder range outside the document`);
          }
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
          assert.fail(`${where}: renderVariant threw: ${(e as Error).stack}\n--- input ---\n${text}`);
        }
      }
      // A file that validates without errors can be run: planned, estimated, and every question and
      // answer schema built (one sample: the plan's size is the plan's business, not the fuzzer's).
      if (s && !result.problems.some((p) => p.severity === 'error')) {
        try {
          const plan = planRun(s, { models: ['fuzz/m'], samples: 1 });
          const estimate = estimateShape(s, plan);
          assert.ok(estimate.calls > 0, `${where}: a valid file plans no calls`);
          for (const [variant, persona] of plan.variants.flatMap((v) => Array.from({ length: plan.personas }, (_, p) => [v, p] as const))) {
            const rendered = plan.rendered(variant, persona);
            assert.ok(rendered, `${where}: variant ${variant} persona ${persona} renders nothing`);
            for (const step of sessionSteps(rendered, plan.settings, sampleSeed(s.id, variant, persona, 0))) {
              const question = step.kind === 'item' ? itemQuestion(step.text, step.scale) : actionQuestion(step.prompt, step);
              const schema = step.kind === 'item' ? scaleSchema(step.scale) : step.choices?.length ? choiceSchema(step.choices) : step.scale ? scaleSchema(step.scale) : undefined;
              assert.ok(question.length > 0, `${where}: empty question`);
              // Issue 11 §1: a request must stay small whatever the file says.
              assert.ok(JSON.stringify(schema ?? {}).length < 20_000, `${where}: answer schema of ${JSON.stringify(schema).length} characters`);
            }
          }
          planned++;
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
          assert.fail(`${where}: a file without errors failed to plan: ${(e as Error).stack}\n--- input ---\n${text}`);
        }
      }
    }
    // The mutations must actually break files, or this test would check nothing; and some must stay valid to plan.
    assert.ok(withProblems > ITERATIONS / 2, `only ${withProblems} of ${ITERATIONS} mutants had problems`);
    assert.ok(seenCodes.size >= 12, `mutations reached only ${seenCodes.size} problem codes: ${[...seenCodes].join(', ')}`);
    assert.ok(planned >= ITERATIONS / 20, `only ${planned} of ${ITERATIONS} mutants were valid enough to plan`);
    assert.deepEqual(names.filter((x) => !applied.has(x)), [], 'a mutation never ran');
  });

  it('a sample of mutants through `dilemma validate`: exit 0 or 1 (never a crash), every printed place inside its file', () => {
    const cli = repoPath('dist', 'cli.js');
    if (!fs.existsSync(cli)) assert.equal(spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' }).status, 0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-fuzz-'));
    try {
      const rnd = seededRandom(SEED + 1);
      const texts = new Map<string, string>();
      for (let n = 0; n < 150; n++) {
        const name = `m${String(n).padStart(3, '0')}.dilemma.yaml`;
        const { text } = mutant(sources, rnd);
        texts.set(name, text);
        fs.writeFileSync(path.join(dir, name), text);
      }
      const validate = (files: string[]) => spawnSync(process.execPath, [cli, 'validate', '--format', 'json', ...files], { cwd: dir, encoding: 'utf8', timeout: bound(60_000) });
      // All at once: the JSON lists every problem with a place that lies in its file and maps back.
      const all = validate([...texts.keys()]);
      assert.equal(all.signal, null, `validate was killed: ${all.signal}`);
      assert.ok(all.status === 0 || all.status === 1, `exit ${all.status}: ${all.stderr}`);
      const reported = JSON.parse(all.stdout) as { file: string; line: number; column: number; endLine: number; endColumn: number; code: string; message: string }[];
      const expected = [...texts].reduce((k, [, t]) => k + checkScenario(t).problems.length, 0);
      assert.equal(reported.length, expected, 'the CLI reports as many problems as the checks find');
      for (const r of reported) {
        const text = texts.get(r.file)!;
        const starts = lineStarts(text);
        for (const [line, column] of [[r.line, r.column], [r.endLine, r.endColumn]] as const) {
          const offset = offsetIn(starts, line, column);
          assert.ok(Number.isInteger(offset) && offset >= 0 && offset <= text.length, `${r.file}:${line}:${column} (${r.code}) is outside the file`);
          checkPlace(text, starts, offset, `${r.file}:${line}:${column} (${r.code})`);
        }
        assert.ok(r.message.length > 10, `${r.file}: ${r.code} without a message`);
      }
      // One by one for a few: the exit code says whether that file has errors.
      for (const [name, text] of [...texts].slice(0, 5)) {
        const one = validate([name]);
        const errors = checkScenario(text).problems.some((p) => p.severity === 'error');
        assert.equal(one.status, errors ? 1 : 0, `${name}: exit ${one.status} ${one.stderr}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
