import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkScenario } from '../../../src/core/scenario/validate';
import { planRun } from '../../../src/core/run/plan';
import { expectedAction } from '../../../src/core/analysis/arbiter';
import { benchInputs, readSuite, SuiteError } from '../../../src/core/workspace/benchSuite';
import { repoPath } from '../../support/paths';

const dir = repoPath('benchmarks', 'conflicts');

describe('benchmarks/conflicts: the conflict-resolution suite', () => {
  const suite = readSuite(dir);
  const files = suite.conflicts.flatMap((c) => c.files);

  it('has a version, at least 8 conflicts and 16 scenarios, and lists every scenario file of the folder', () => {
    assert.match(suite.version, /^\d+\.\d+\.\d+$/);
    assert.ok(suite.conflicts.length >= 8, `${suite.conflicts.length} conflicts`);
    assert.ok(files.length >= 16, `${files.length} scenarios`);
    const onDisk = suite.conflicts.flatMap((c) => fs.readdirSync(path.join(dir, c.id)).filter((f) => f.endsWith('.dilemma.yaml')).map((f) => path.join(dir, c.id, f)));
    assert.deepEqual([...files].sort(), onDisk.sort());
    const dirs = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    assert.deepEqual(dirs, suite.conflicts.map((c) => c.id).sort(), 'a conflict folder is not in suite.json');
  });

  it('has a README per conflict saying what it tests and where the idea comes from', () => {
    for (const c of suite.conflicts) {
      const readme = fs.readFileSync(path.join(dir, c.id, 'README.md'), 'utf8');
      assert.match(readme, /\*\*What it tests\.\*\*/, c.id);
      assert.match(readme, /\*\*Where the idea comes from\.\*\*/, c.id);
      for (const f of c.files) assert.ok(readme.includes(`\`${path.basename(f).replace(/\.dilemma\.yaml$/, '')}\``), `${c.id}/README.md does not name ${path.basename(f)}`);
    }
  });

  const ids = new Set<string>();
  for (const file of files) {
    const name = path.relative(dir, file);
    it(`${name}: validates with no problem at all, has the suite's shape, and plans`, () => {
      const { parsed, problems } = checkScenario(fs.readFileSync(file, 'utf8'));
      assert.deepEqual(problems.map((p) => `${p.severity} ${p.code}: ${p.message}`), []);
      const s = parsed.scenario!;
      assert.ok(!ids.has(s.id), `duplicate id ${s.id}`);
      ids.add(s.id);
      assert.equal(path.basename(file), `${s.id}.dilemma.yaml`);
      // Two good values, each with a questionnaire of at least three items (one reverse-coded).
      assert.equal(s.values.length, 2);
      for (const v of s.values) {
        assert.ok(v.items.length >= 3, `${v.name} has ${v.items.length} items`);
        assert.ok(v.items.some((i) => i.reverse), `${v.name} has no reverse item`);
      }
      // A decision on which the two values pull apart.
      const [a, b] = s.values.map((v) => expectedAction(s, v.name));
      assert.ok(a && b && a !== b, 'the two values must expect different choices');
      // A declared hierarchy: at least one `when` rule, then a `rank` of both values.
      const when = s.arbitration.filter((r) => r.kind === 'when');
      const rank = s.arbitration.find((r) => r.kind === 'rank');
      assert.ok(when.length >= 1, 'no when rule');
      assert.ok(rank && rank.kind === 'rank' && rank.rank.length === 2, 'no rank of both values');
      // Variants that move the stakes and the framing, and one that triggers each `when` rule.
      const names = s.variants.map((v) => v.name);
      for (const n of ['baseline', 'high-stakes', 'low-stakes', 'reframed']) assert.ok(names.includes(n), `no ${n} variant`);
      for (const r of when) {
        if (r.kind !== 'when') continue;
        assert.ok(s.variants.some((v) => [...r.when].every(([k, e]) => v.vars.get(k)?.value === e.value)), 'no variant triggers the when rule');
      }
      const plan = planRun(s, { models: ['sim/a', 'sim/b'] });
      assert.equal(plan.total, 2 * s.variants.length * s.run.samples);
      for (const v of s.variants) {
        const r = plan.rendered(v.name, 0)!;
        assert.doesNotMatch(r.action.prompt, /\{\{/, `${v.name}: unfilled placeholder`);
      }
      // Every variant's decision prompt differs from every other's (the framing or the stakes moved).
      const prompts = s.variants.map((v) => plan.rendered(v.name, 0)!.action.prompt);
      assert.equal(new Set(prompts).size, prompts.length);
    });
  }

  it('benchInputs: the suite folder gives its files with their conflicts; a plain folder uses folder names; a missing path is an error', () => {
    const fromSuite = benchInputs([dir], '/');
    assert.deepEqual(fromSuite.files, files);
    assert.equal(fromSuite.suites[0]!.version, suite.version);
    assert.equal(fromSuite.conflictOf.get(files[0]!), suite.conflicts[0]!.id);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-suite-'));
    try {
      fs.mkdirSync(path.join(tmp, 'x'));
      fs.copyFileSync(files[0]!, path.join(tmp, 'x', path.basename(files[0]!)));
      fs.writeFileSync(path.join(tmp, 'x', 'ignored.dilemma.gen.yaml'), 'x: 1\n');
      const plain = benchInputs(['.', `x/${path.basename(files[0]!)}`], tmp);
      assert.deepEqual(plain.files, [path.join(tmp, 'x', path.basename(files[0]!))]);
      assert.equal(plain.conflictOf.get(plain.files[0]!), 'x');
      assert.throws(() => benchInputs(['nope'], tmp), (e: unknown) => e instanceof SuiteError && /nope: no such file/.test(e.message));
      fs.writeFileSync(path.join(tmp, 'suite.json'), '{"name":"t","version":"1","conflicts":[]}');
      assert.throws(() => benchInputs(['.'], tmp), /suite\.json: "version" must be/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
