import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoPath, repoRoot } from '../../support/paths';
import { startTestServer, type TestServer } from '../../support/openaiServer';
import { scenarioRespondent, type RespondentProfile } from '../../support/respondent';
import { parseScenario } from '../../../src/core/scenario/parse';

// The shipped example (5 variants, 3 personas, a `when` rule and a rank rule) run by the real engine
// (`dilemma run`, the built CLI) against the project's OpenAI-compatible test server.
const EXAMPLE = 'health-registry.dilemma.yaml';

interface Result { code: number | null; stdout: string; stderr: string }

interface RowJson {
  kind: 'variant' | 'model';
  scenario: string;
  variant?: string;
  model: string;
  verdict: string;
  pairing?: { paired: boolean };
  divergence?: { delta: number | null; test: { method: string; p: number | null; pAdjusted: number | null; significant: boolean; direction: string } | null };
}

describe('cli: dilemma compare end to end (runs made by the engine against the test server)', function () {
  this.timeout(240_000);
  let server: TestServer;
  let dir: string;
  const cli = repoPath('dist', 'cli.js');
  // One model name throughout; the server's profile for it is swapped between runs, as a model update or a
  // prompt change would change its behaviour. Aligned: acts on the values it states.
  const aligned = (seed: number): RespondentProfile => ({ traits: { privacy: 0.45, prosocial: 0.5, acceptance: 0.5 }, spread: 0.2, unparsedRate: 0.03, action: 'aligned', seed });
  const profiles: Record<string, RespondentProfile> = { sim: aligned(1) };
  const logs: Record<string, string> = {};
  const original = fs.readFileSync(repoPath('examples', EXAMPLE), 'utf8');
  // The scenario as edited later in the test: the pharma variant names another recipient.
  const edited = original.replace("recipient: a pharmaceutical company's research team", 'recipient: a private insurer');

  function cliRun(command: string, args: string[]): Promise<Result> {
    // The comparison tests the paths with their standard errors, not the bootstrap: fewer replicates keep the suite quick.
    if (command === 'compare' && !args.includes('--help')) args = [...args, '--bootstrap', '100'];
    const env = { PATH: process.env.PATH, HOME: dir, DILEMMA_CONFIG: path.join(dir, 'providers.json'), DILEMMA_RETRY_BASE_MS: '5' };
    const child = spawn(process.execPath, [cli, command, ...args], { cwd: dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  }

  /** One `dilemma run` with the current profile; returns its log path relative to the workspace. */
  async function run(name: string): Promise<string> {
    const r = await cliRun('run', [EXAMPLE, '--model', 'lab/sim', '--samples', '6', '--no-cache', '--format', 'json']);
    assert.ok(r.code === 0 || r.code === 1, `run ${name}: exit ${r.code}\n${r.stderr}`);
    const out = JSON.parse(r.stdout);
    assert.equal(out.runs[0].complete, 5 * 3 * 6, `run ${name}: every session ran`);
    logs[name] = path.relative(dir, out.runs[0].logPath);
    return logs[name]!;
  }

  const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], { cwd: dir, encoding: 'utf8' });

  before(async () => {
    if (!fs.existsSync(cli)) assert.equal(spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' }).status, 0);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-compare-'));
    fs.writeFileSync(path.join(dir, EXAMPLE), original);
    git('init', '-q');
    git('add', EXAMPLE);
    git('commit', '-q', '-m', 'scenario');
    // Both versions of the scenario are indexed, so the respondent recognises the edited prompts too.
    server = await startTestServer({ models: ['sim'], respondent: scenarioRespondent([parseScenario(original).scenario!, parseScenario(edited).scenario!], profiles) });
    fs.writeFileSync(path.join(dir, 'providers.json'), JSON.stringify({ providers: { lab: { baseUrl: server.url, structuredOutput: true } } }));
    await run('baseline');
    // The planted regression: the same model acts against its stated values in the pharma variant only.
    profiles.sim = { ...aligned(2), variants: { pharma: { action: 'contrary' } } };
    await run('regressed');
    // An unchanged rerun: the same profile, other random draws.
    profiles.sim = aligned(3);
    await run('rerun');
  });
  after(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds the planted regression: pharma first, paired exact McNemar, significant after Holm, exit 1 under --fail-on', async () => {
    const r = await cliRun('compare', [logs.baseline!, logs.regressed!, '--format', 'json', '--fail-on', 'regression']);
    assert.equal(r.code, 1, r.stderr);
    const c = JSON.parse(r.stdout);
    assert.equal(c.schemaVersion, 1);
    assert.equal(c.kind, 'comparison');
    assert.equal(c.summary.ok, false);
    const rows: RowJson[] = c.rows;
    const top = rows[0]!;
    assert.equal(top.kind, 'variant');
    assert.equal(top.variant, 'pharma');
    assert.equal(top.verdict, 'regression');
    assert.equal(top.pairing!.paired, true, 'same personas and sample indices on both sides');
    const t = top.divergence!.test!;
    assert.equal(t.method, 'mcnemar-exact');
    assert.equal(t.direction, 'worse');
    assert.ok(t.significant && t.pAdjusted! < 0.05, JSON.stringify(t));
    assert.ok(top.divergence!.delta! > 0.5, `divergence rose by ${top.divergence!.delta}`);
    // Only pharma was made contrary: no other variant regressed.
    const regressed = rows.filter((x) => x.verdict === 'regression' && x.kind === 'variant').map((x) => x.variant);
    assert.deepEqual(regressed, ['pharma']);
    assert.equal(c.scenarios[0].sameVersion, true);
    assert.deepEqual(c.scenarios[0].changes, []);
    // Without --fail-on the comparison is a report: exit 0.
    const plain = await cliRun('compare', [logs.baseline!, logs.regressed!]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^REGRESSION {3}health-registry \/ pharma \[lab\/sim\]$/m);
  });

  it('passes an unchanged rerun (other seed, same profile) with no regression: exit 0 under --fail-on', async () => {
    const r = await cliRun('compare', [logs.baseline!, logs.rerun!, '--format', 'json', '--fail-on', 'regression']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const c = JSON.parse(r.stdout);
    assert.equal(c.summary.regressions, 0);
    assert.equal(c.summary.nothingCompared, false);
    assert.ok(c.summary.tests > 0, 'something was tested');
    assert.ok(c.rows.filter((x: RowJson) => x.kind === 'variant').length === 5);
  });

  it('writes Markdown for a pull request and JUnit for CI with the regression as the failure', async () => {
    const md = await cliRun('compare', ['--baseline', logs.baseline!, logs.regressed!, '--format', 'markdown']);
    assert.equal(md.code, 0, md.stderr);
    // pharma regressed; the model's pooled paths may too (a contrary variant weakens them): one row or two
    assert.match(md.stdout, /^## Dilemma Lens comparison: ❌ [12] significant regression\(s\)/, md.stdout);
    assert.match(md.stdout, /\| ❌ \| `health-registry` \/ `pharma` \[`lab\/sim`\]/);
    const junit = await cliRun('compare', ['--baseline', logs.baseline!, logs.regressed!, '--format', 'junit', '--out', 'reports/compare.xml', '--fail-on', 'regression']);
    assert.equal(junit.code, 1);
    const xml = fs.readFileSync(path.join(dir, 'reports', 'compare.xml'), 'utf8');
    assert.match(xml, /<testsuites name="dilemma-lens compare" tests="\d+" failures="[12]"/, xml);
    assert.match(xml, /<testcase name="health-registry \/ pharma \[lab\/sim\]: REGRESSION"[^>]*>\s*<failure message="significant regression: health-registry \/ pharma \[lab\/sim\]"/);
  });

  it('takes the newest run at a git ref as the baseline, and says what changed in the scenario since', async () => {
    // The newest run made with the committed scenario is the rerun; the regressed run is older.
    const same = await cliRun('compare', ['--baseline-ref', 'HEAD', logs.regressed!, '--format', 'json']);
    assert.equal(same.code, 0, same.stderr);
    const c1 = JSON.parse(same.stdout);
    assert.deepEqual(c1.baseline.runs.map((x: { file: string }) => x.file), [logs.rerun]);
    assert.match(c1.scenarios[0].baseline.version.source, /^git HEAD \([0-9a-f]{12}\)$/);
    // Edit the scenario without committing, run it: HEAD's version is still the baseline's.
    fs.writeFileSync(path.join(dir, EXAMPLE), edited);
    const candidate = await run('edited');
    const r = await cliRun('compare', ['--baseline-ref', 'HEAD', candidate, '--format', 'json', '--fail-on', 'regression']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const c = JSON.parse(r.stdout);
    assert.deepEqual(c.baseline.runs.map((x: { file: string }) => x.file), [logs.rerun]);
    const sc = c.scenarios[0];
    assert.equal(sc.sameVersion, false);
    assert.deepEqual(sc.changes, [
      { what: 'action-prompt', variant: 'pharma', detail: 'action prompt: "pharmaceutical company\'s research team" → "private insurer"' },
      { what: 'vars', variant: 'pharma', detail: 'vars: recipient: "a pharmaceutical company\'s research team" → "a private insurer"' },
    ]);
    assert.equal(sc.comparability.divergence, null, 'a vars change keeps divergence comparable');
    // The same two logs without the ref: the baseline's version is found in git history by its hash.
    const direct = await cliRun('compare', [logs.rerun!, candidate, '--format', 'json']);
    const c2 = JSON.parse(direct.stdout);
    assert.match(c2.scenarios[0].baseline.version.source, /^git [0-9a-f]{12}$/);
    assert.equal(c2.scenarios[0].baseline.exact, true);
    assert.deepEqual(c2.scenarios[0].changes, sc.changes);
    fs.writeFileSync(path.join(dir, EXAMPLE), original);
  });

  it('exits 2 with the reason when no run at the ref exists, or the ref is unknown', async () => {
    const unknown = await cliRun('compare', ['--baseline-ref', 'no-such-branch', logs.rerun!]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^dilemma compare: unknown git ref "no-such-branch" in /);
    // A commit whose scenario version was never run.
    fs.writeFileSync(path.join(dir, EXAMPLE), `${original}\n# a comment changes the hash\n`);
    git('commit', '-q', '-am', 'comment');
    const none = await cliRun('compare', ['--baseline-ref', 'HEAD', logs.rerun!]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no run of health-registry in .* was made with its version at HEAD \([0-9a-f]{12}, scenario sha256 [0-9a-f]{12}\); 3 run\(s\) there are of other versions/);
  });
});
