import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { RunHeader, SessionRecord } from '../../../src/core/run/record';
import { simple } from '../analysis/fixtures';

const SCENARIO = `dilemma: cli-test
values:
  privacy:
    scale: { min: 1, max: 7 }
    items:
      - { id: pc1, text: I care about my data. }
      - { id: pc2, text: I share freely., reverse: true }
  prosocial:
    scale: { min: 1, max: 5 }
    items:
      - { id: ps1, text: I help others. }
      - { id: ps2, text: I give to strangers. }
action:
  prompt: Share your records with {{recipient}}?
  choices: { share: Share them, decline: Keep them, defer: Ask later }
  expect: { privacy: decline, prosocial: share }
vars: { recipient: a registry }
arbitration:
  - rank: [privacy, prosocial]
variants:
  - name: baseline
  - name: pharma
    vars: { recipient: a drug company }
`;

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, cwd });
  return { code, out, err };
}

describe('dilemma compare (arguments, exit codes)', () => {
  let dir: string;
  const hash = createHash('sha256').update(SCENARIO).digest('hex');
  /** A log of `n` samples per variant and model; privacy is held in each, so `share` diverges. */
  const write = (name: string, actions: (model: string, variant: string, i: number) => string | undefined, n = 12, models = ['m1']): string => {
    const header: RunHeader = { v: 1, kind: 'run', runId: name, scenario: 'cli-test', file: 'cli-test.dilemma.yaml', scenarioHash: hash, models, variants: ['baseline', 'pharma'], personas: 0, samples: n, startedAt: `2026-01-01T00:00:0${Object.keys(written).length % 10}Z` };
    const sessions: SessionRecord[] = models.flatMap((m) => ['baseline', 'pharma'].flatMap((v) => Array.from({ length: n }, (_, i) => {
      const a = actions(m, v, i);
      return a === undefined ? [] : [simple([7, 1], [3, 3], a, { model: m, variant: v, sample: i })];
    }).flat()));
    const file = path.join('.dilemma', 'runs', 'cli-test', `${name}.jsonl`);
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), [header, ...sessions].map((x) => JSON.stringify(x)).join('\n') + '\n');
    written[name] = file;
    return file;
  };
  const written: Record<string, string> = {};
  let good: string;
  let bad: string;
  let same: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-compare-cli-'));
    fs.writeFileSync(path.join(dir, 'cli-test.dilemma.yaml'), SCENARIO);
    good = write('good', () => 'decline');
    // pharma: every sample now shares (diverges): 12 of 12 pairs moved, exact McNemar 2 / 2^12 = 0.00049
    bad = write('bad', (_m, v) => (v === 'pharma' ? 'share' : 'decline'));
    same = write('same', () => 'decline');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is listed in dilemma --help and has its own --help', async () => {
    const top = await cli(['--help'], dir);
    assert.match(top.out, /^ {2}compare {3}compare a run with a baseline run/m);
    const own = await cli(['compare', '--help'], dir);
    assert.equal(own.code, 0);
    assert.match(own.out, /^usage: dilemma compare <baseline\.jsonl> <run\.jsonl>$/m);
    assert.match(own.out, /--baseline-ref <value>/);
  });

  it('exits 1 on a significant regression only under --fail-on regression, and 0 for an unchanged rerun', async () => {
    const report = await cli(['compare', good, bad], dir);
    assert.equal(report.code, 0, report.err);
    assert.match(report.out, /^REGRESSION {3}cli-test \/ pharma \[m1\]$/m);
    assert.match(report.out, /divergence: 0\.00 \(0\/12\) → 1\.00 \(12\/12\) \(\+1\.00\); exact McNemar, paired \(12 pairs\): p < 0\.001, Holm p < 0\.001$/m);
    const gate = await cli(['compare', good, bad, '--fail-on', 'regression'], dir);
    assert.equal(gate.code, 1);
    const rerun = await cli(['compare', good, same, '--fail-on', 'regression'], dir);
    assert.equal(rerun.code, 0, rerun.out);
    assert.match(rerun.out, /^0 regression\(s\), 0 improvement\(s\), 0 changed, 2 unchanged, 1 not compared; Holm over 0 test\(s\) at alpha 0\.05\.$/m);
    // the reverse direction is an improvement: not a regression, but a change
    const better = await cli(['compare', bad, good, '--fail-on', 'regression'], dir);
    assert.equal(better.code, 0);
    const changed = await cli(['compare', bad, good, '--fail-on', 'change'], dir);
    assert.equal(changed.code, 1);
  });

  it('takes several baseline logs with --baseline, one per model', async () => {
    const m2 = write('m2-base', () => 'decline', 12, ['m2']);
    const both = write('both', (m, v) => (m === 'm2' && v === 'baseline' ? 'share' : 'decline'), 12, ['m1', 'm2']);
    const r = await cli(['compare', '--baseline', good, '-b', m2, both, '--format', 'json', '--fail-on', 'regression'], dir);
    assert.equal(r.code, 1, r.err);
    const c = JSON.parse(r.out);
    assert.deepEqual(c.baseline.runs.map((x: { runId: string }) => x.runId), ['m2-base', 'good'], 'newest first');
    assert.deepEqual(c.rows.filter((x: { verdict: string }) => x.verdict === 'regression').map((x: { model: string; variant: string }) => `${x.model}/${x.variant}`), ['m2/baseline']);
  });

  it('fails a gate that compared nothing (a candidate with zero sessions), and says so', async () => {
    const empty = write('empty', () => undefined);
    const r = await cli(['compare', good, empty, '--fail-on', 'regression'], dir);
    assert.equal(r.code, 1);
    assert.match(r.out, /^Nothing could be compared\.$/m);
    assert.match(r.out, /candidate: empty \(zero sessions\)/);
    assert.equal(r.err, 'dilemma compare: nothing could be compared, and a gate that measured nothing does not pass (--fail-on)\n');
    assert.equal((await cli(['compare', good, empty], dir)).code, 0, 'without --fail-on it is only a report');
  });

  it('labels a partial candidate and compares it unpaired', async () => {
    const partial = write('partial', (_m, v, i) => (i < 7 ? (v === 'pharma' ? 'share' : 'decline') : undefined));
    const r = await cli(['compare', good, partial, '--format', 'json'], dir);
    const c = JSON.parse(r.out);
    assert.equal(c.candidate.runs[0].status, 'partial');
    const pharma = c.rows.find((x: { variant?: string }) => x.variant === 'pharma');
    assert.deepEqual(pharma.notes, ['candidate partial: 7 of 12 planned sessions']);
    assert.equal(pharma.divergence.test.method, 'fisher-exact');
    // fisher.test(matrix(c(0, 7, 12, 0), 2)) = 1 / C(19, 7) = 1 / 50388
    assert.ok(Math.abs(pharma.divergence.test.p - 1 / 50388) < 1e-12);
  });

  it('writes the comparison to --out', async () => {
    const r = await cli(['compare', good, bad, '--format', 'markdown', '--out', 'out/cmp.md'], dir);
    assert.equal(r.code, 0);
    assert.equal(r.err, 'dilemma compare: wrote out/cmp.md\n');
    assert.match(fs.readFileSync(path.join(dir, 'out', 'cmp.md'), 'utf8'), /^## Dilemma Lens comparison: ❌ 1 significant regression\(s\)/);
  });

  it('exits 2 with an exact message for each usage error', async () => {
    const cases: [string[], string][] = [
      [['compare'], 'no run logs given: dilemma compare <baseline.jsonl> <run.jsonl>'],
      [['compare', good], 'one run log given: name the baseline too (dilemma compare <baseline.jsonl> <run.jsonl>), or pick it with --baseline FILE or --baseline-ref REF'],
      [['compare', good, bad, same], '3 run logs given and none marked as the baseline: with more than two, give the baseline\'s with --baseline FILE (repeatable) or --baseline-ref REF'],
      [['compare', '--baseline', good, '--baseline-ref', 'main', bad], '--baseline and --baseline-ref both pick the baseline; give one of them'],
      [['compare', '--baseline', good], 'no run logs to compare with the baseline: dilemma compare --baseline <baseline.jsonl> <run.jsonl...>'],
      [['compare', '--baseline-ref', 'main'], 'no run logs to compare with the baseline: dilemma compare --baseline-ref <ref> <run.jsonl...>'],
      [['compare', '--baseline', good, good], `${good} is on both sides of the comparison`],
      [['compare', good, bad, '--alpha', '1.5'], '--alpha takes a number between 0 and 1 (exclusive), not "1.5"'],
      [['compare', good, bad, '--format', 'csv'], '--format must be one of text, json, markdown, junit; got "csv"'],
      [['compare', good, bad, '--fail-on', 'anything'], '--fail-on must be one of regression, change; got "anything"'],
      [['compare', '--baseline-ref', 'main', '--baseline-scenario', 'x.yaml', bad], '--baseline-scenario and --baseline-ref both give the baseline\'s scenario version; give one of them'],
      [['compare', good, bad, '--seed', 'x'], '--seed takes a non-negative integer, not "x"'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args, dir);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.err, `dilemma compare: ${message}\nSee dilemma compare --help.\n`, args.join(' '));
    }
  });

  it('exits 2 naming the place of an unreadable log, a missing scenario, or a ref outside git', async () => {
    fs.writeFileSync(path.join(dir, 'broken.jsonl'), '{"v":1,"kind":"run"\n');
    const broken = await cli(['compare', good, 'broken.jsonl'], dir);
    assert.equal(broken.code, 2);
    assert.equal(broken.err, 'dilemma compare: broken.jsonl:1: not a JSON line\n');
    const missing = await cli(['compare', good, bad, '--scenario', 'nowhere.dilemma.yaml'], dir);
    assert.equal(missing.code, 2);
    assert.equal(missing.err, `dilemma compare: ${bad}: cannot find the scenario nowhere.dilemma.yaml the run was made from; give it with --scenario FILE\n`);
    const noGit = await cli(['compare', '--baseline-ref', 'main', bad], dir);
    assert.equal(noGit.code, 2);
    assert.match(noGit.err, /^dilemma compare: .*cli-test\.dilemma\.yaml is not in a git repository \(or git is not installed\), so there is no ref "main" to read it at\n$/);
  });

  it('lists a scenario added since the ref as on the candidate side only, with a warning', async () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-compare-git-'));
    try {
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], { cwd: repo });
      git('init', '-q');
      fs.writeFileSync(path.join(repo, 'README.md'), 'x\n');
      git('add', 'README.md');
      git('commit', '-q', '-m', 'init');
      // the scenario is new: not committed at HEAD
      fs.writeFileSync(path.join(repo, 'cli-test.dilemma.yaml'), SCENARIO);
      const log = path.join('.dilemma', 'runs', 'cli-test', 'new.jsonl');
      fs.mkdirSync(path.join(repo, path.dirname(log)), { recursive: true });
      fs.copyFileSync(path.join(dir, good), path.join(repo, log));
      const r = await cli(['compare', '--baseline-ref', 'HEAD', log, '--format', 'json'], repo);
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /^warning: cli-test\.dilemma\.yaml does not exist at HEAD \([0-9a-f]{12}\): cli-test has no baseline at HEAD and is not compared$/m);
      const c = JSON.parse(r.out);
      assert.equal(c.scenarios[0].status, 'only-candidate');
      assert.equal((await cli(['compare', '--baseline-ref', 'HEAD', log, '--fail-on', 'regression'], repo)).code, 1, 'nothing compared fails the gate');
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });
});
