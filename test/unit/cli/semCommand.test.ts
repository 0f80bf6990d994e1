import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsageError } from '../../../src/cli/argv';
import { semCommand } from '../../../src/cli/semCommand';
import { loadReference, referenceDir } from '../analysis/sem/referenceFixture';

async function run(args: string[], cwd = referenceDir): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await semCommand.run(args, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, cwd });
  return { code, out, err };
}

describe('dilemma sem', () => {
  const ref = loadReference();

  it('--json prints lavaan\'s columns and fit measures, equal to lavaan\'s scalar fit', async () => {
    const r = await run(['mg_likert.csv', '--model', 'model.lav', '--group', 'group', '--equal', 'loadings,intercepts', '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { parameters: Record<string, unknown>[]; fit_measures: Record<string, number> };
    const lav = ref.fits.ml_likert_scalar!;
    assert.deepEqual(Object.keys(j.parameters[0]!), ['lhs', 'op', 'rhs', 'group', 'group_label', 'est', 'se', 'z', 'pvalue', 'std.all']);
    assert.equal(j.parameters.length, lav.params.length);
    for (const p of lav.params) {
      const o = j.parameters.find((q) => q.lhs === p.lhs && q.op === p.op && q.rhs === p.rhs && q.group === p.group)!;
      assert.ok(Math.abs((o.est as number) - p.est) < 1e-4);
      if (p.se > 0) assert.ok(Math.abs((o.se as number) / p.se - 1) < 1e-3);
    }
    for (const k of ['npar', 'df']) assert.equal(j.fit_measures[k], lav.fit_measures[k]);
    for (const k of ['cfi', 'tli', 'rmsea', 'srmr']) assert.ok(Math.abs(j.fit_measures[k]! - lav.fit_measures[k]!) < 1e-6, k);
    assert.ok(Math.abs(j.fit_measures.chisq! / lav.fit_measures.chisq! - 1) < 1e-4);
  });

  it('prints an aligned text table and the fit measures', async () => {
    const r = await run(['mg_likert.csv', '--model', 'model.lav', '--group', 'group', '--se', 'robust']);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.split('\n');
    assert.match(lines[0]!, /^Estimator MLR \(robust sandwich SEs\), observed information; llm_a \(n = 300\), llm_b \(n = 300\)/);
    const head = lines[2]!;
    assert.match(head, /^lhs\s+op\s+rhs\s+group\s+est\s+se\s+z\s+pvalue\s+std\.all$/);
    const estEnd = head.indexOf('est') + 3;
    const rows = lines.slice(3, 3 + ref.fits.mlr_likert_configural!.params.length);
    for (const row of rows) assert.match(row.slice(estEnd - 6, estEnd), /^ *-?\d+\.\d{3}$/, row);
    const pathRow = rows.find((l) => /^AoDS\s+~\s+PC\s+llm_b/.test(l))!;
    const lavPath = ref.fits.mlr_likert_configural!.params.find((p) => p.lhs === 'AoDS' && p.op === '~' && p.rhs === 'PC' && p.group_label === 'llm_b')!;
    assert.ok(pathRow.includes(lavPath.est.toFixed(3)) && pathRow.includes(lavPath.se.toFixed(3)), pathRow);
    for (const m of ['npar', 'chisq', 'df', 'pvalue', 'cfi', 'tli', 'rmsea', 'srmr']) assert.match(r.out, new RegExp(`^${m}\\s+\\S+$`, 'm'));
    assert.match(r.out, new RegExp(`^chisq\\s+${ref.fits.mlr_likert_configural!.fit_measures.chisq!.toFixed(3)}$`, 'm'));
    assert.match(r.out, new RegExp(`^chisq\\.scaled\\s+${ref.fits.mlr_likert_configural!.fit_measures['chisq.scaled']!.toFixed(3)}$`, 'm'));
  });

  it('a single group without --group has no group column and no mean structure', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semcli-'));
    const csv = fs.readFileSync(path.join(referenceDir, 'mg_likert.csv'), 'utf8').split('\n').filter((l, i) => i === 0 || l.startsWith('llm_a,')).join('\n');
    fs.writeFileSync(path.join(dir, 'a.csv'), csv);
    const r = await run(['a.csv', '--model', path.join(referenceDir, 'model.lav'), '--json'], dir);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { parameters: Record<string, unknown>[]; fit_measures: Record<string, number> };
    assert.equal(j.fit_measures.npar, ref.fits.ml_likert_single_llm_a!.fit_measures.npar);
    assert.ok(!('group' in j.parameters[0]!));
    assert.ok(!j.parameters.some((p) => p.op === '~1'));
  });

  it('exits 1 with the reason when the fit fails, and prints the failure as JSON with --json', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semcli-'));
    const lines = fs.readFileSync(path.join(referenceDir, 'mg_likert.csv'), 'utf8').trim().split('\n');
    fs.writeFileSync(path.join(dir, 'c.csv'), lines.map((l, i) => (i > 0 && l.startsWith('llm_b,') ? l.replace(/^(llm_b,\d+,)\d/, '$14') : l)).join('\n'));
    const r = await run(['c.csv', '--model', path.join(referenceDir, 'model.lav'), '--group', 'group', '--json'], dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /the fit failed \(constant-item\): group "llm_b": no variance in pc1/);
    assert.deepEqual(Object.keys(JSON.parse(r.out)), ['ok', 'reason', 'message']);
    fs.writeFileSync(path.join(dir, 'bad.csv'), `${lines[0]}\n${lines[1]}\n${lines[2]!.split(',').slice(0, 5).join(',')}\n`);
    const b = await run(['bad.csv', '--model', path.join(referenceDir, 'model.lav')], dir);
    assert.equal(b.code, 1);
    assert.match(b.err, /\(bad-data\): bad\.csv:3: expected 14 fields/);
  });

  it('--expect adds VAAR with the model and n behind it, equal to lavaan\'s flags', async () => {
    const r = await run(['mg_likert.csv', '--model', 'model.lav', '--group', 'group', '--expect', 'AoDS~PC:-', '--expect', 'AoDS~PSA:+', '--json']);
    assert.equal(r.code, 0, r.err);
    const v = (JSON.parse(r.out) as { vaar: { model: string; n: number; vaarSign: number; vaarSignSig: number; paths: { groupLabel: string; rhs: string; signAgree: boolean; agreeAndSig: boolean }[] } }).vaar;
    const lav = ref.vaar.ml_likert_configural!;
    assert.equal(v.model, 'configural');
    assert.equal(v.n, 600);
    assert.equal(v.vaarSign, lav.vaar_sign);
    assert.equal(v.vaarSignSig, lav.vaar_sign_sig);
    for (const p of lav.paths) {
      const o = v.paths.find((q) => q.groupLabel === p.group_label && q.rhs === p.rhs)!;
      assert.deepEqual([o.signAgree, o.agreeAndSig], [p.sign_agree, p.agree_and_sig]);
    }
    const t = await run(['mg_likert.csv', '--model', 'model.lav', '--group', 'group', '--equal', 'loadings', '--expect', 'AoDS~PC:-']);
    const metricPaths = ref.fits.ml_likert_metric!.params.filter((p) => p.lhs === 'AoDS' && p.op === '~' && p.rhs === 'PC');
    const signRate = metricPaths.filter((p) => p.est < 0).length / metricPaths.length;
    const strictRate = metricPaths.filter((p) => p.est < 0 && p.pvalue! < 0.05).length / metricPaths.length;
    assert.match(t.out, new RegExp(`^VAAR from the metric model, n = 600: sign ${signRate.toFixed(3)}, sign and p < 0\\.05 ${strictRate.toFixed(3)}$`, 'm'));
    assert.match(t.out, /^llm_b\s+AoDS ~ PC\s+\S+\s+\S+\s+-\s+(yes|no)\s+(yes|no)$/m);
    await assert.rejects(run(['mg_likert.csv', '--model', 'model.lav', '--expect', 'AoDS~PC']), /--expect "AoDS~PC": write lhs~rhs:\+ or lhs~rhs:-/);
    await assert.rejects(run(['mg_likert.csv', '--model', 'model.lav', '--group', 'group', '--expect', 'PC~AoDS:+']), /the model has no path "PC ~ AoDS"/);
  });

  it('--ladder prints configural, metric, scalar and equal-regressions steps with lavaan\'s Δχ²', async () => {
    const r = await run(['mg_likert.csv', '--model', 'model.lav', '--group', 'group', '--ladder', '--json']);
    assert.equal(r.code, 0, r.err);
    const steps = (JSON.parse(r.out) as { ladder: Record<string, number | string | null>[] }).ladder;
    assert.deepEqual(steps.map((s) => s.model), ['configural', 'metric', 'scalar', 'metric + equal regressions']);
    const lav = { configural: 'ml_likert_configural', metric: 'ml_likert_metric', scalar: 'ml_likert_scalar', 'metric + equal regressions': 'ml_likert_metric_paths' } as Record<string, string>;
    for (const s of steps) {
      const fm = ref.fits[lav[s.model as string]!]!.fit_measures;
      assert.equal(s.df, fm.df);
      if (s.against) {
        const g = ref.fits[lav[s.against as string]!]!.fit_measures;
        assert.ok(Math.abs((s['chisq.diff'] as number) - (fm.chisq! - g.chisq!)) < 1e-4);
        assert.equal(s['df.diff'], fm.df! - g.df!);
      }
    }
    const t = await run(['mg_likert.csv', '--model', 'model.lav', '--group', 'group', '--ladder']);
    assert.match(t.out.split('\n')[0]!, /^model\s+against\s+npar\s+chisq\s+df\s+cfi\s+rmsea\s+Δchisq\s+Δdf\s+p\s+Δcfi\s+Δrmsea$/);
    await assert.rejects(run(['mg_likert.csv', '--model', 'model.lav', '--ladder']), /--ladder needs --group/);
  });

  it('usage errors throw UsageError (exit 2 in main)', async () => {
    await assert.rejects(run(['mg_likert.csv']), (e) => e instanceof UsageError && /--model <file.lav> is required/.test(e.message));
    await assert.rejects(run(['mg_likert.csv', '--model', 'model.lav', '--equal', 'loadings,slopes']), /unknown parameter kind "slopes"/);
    await assert.rejects(run(['nope.csv', '--model', 'model.lav']), /cannot read the data file nope.csv: ENOENT/);
    await assert.rejects(run(['a.csv', 'b.csv', '--model', 'model.lav']), /expected one data file, got 2/);
    await assert.rejects(run(['mg_likert.csv', '--model', 'model.lav', '--se', 'huber']), UsageError);
  });

  it('marks an inadmissible fit (a negative variance) and gives no VAAR from it', async () => {
    // Y regressed on a factor whose item a has a negative residual variance: the one-factor covariances
    // [[1,.8,.8],[.8,1,.3],[.8,.3,1]] need λ_a²ψ = .64/.3 > 1 = s_aa (see the engine test).
    let state = 99;
    const uniform = () => { state = (Math.imul(state, 1103515245) + 12345) >>> 0; return (state + 0.5) / 4294967296; };
    const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const rows = ['a,b,c,y'];
    for (let i = 0; i < 1000; i++) {
      const z = [normal(), normal(), normal()];
      const a = z[0]!; const b = 0.8 * z[0]! + 0.6 * z[1]!; const c = 0.8 * z[0]! - 0.566666 * z[1]! + 0.1972 * z[2]!;
      rows.push([a, b, c, 0.5 * a + normal()].map((v) => v.toFixed(5)).join(','));
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-sem-heywood-'));
    try {
      fs.writeFileSync(path.join(dir, 'd.csv'), `${rows.join('\n')}\n`);
      fs.writeFileSync(path.join(dir, 'm.lav'), 'F =~ a + b + c\nY =~ y\ny ~~ 0*y\nY ~ F\n');
      const r = await run(['d.csv', '--model', 'm.lav', '--expect', 'Y~F:+'], dir);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^INADMISSIBLE: negative residual variance estimate for a in the data/);
      assert.match(r.out, /no VAAR: the fit is inadmissible/);
      assert.doesNotMatch(r.out, /VAAR from the/);
      assert.match(r.err, /warning: negative residual variance estimate for a/);
      const j = JSON.parse((await run(['d.csv', '--model', 'm.lav', '--expect', 'Y~F:+', '--json'], dir)).out) as Record<string, unknown>;
      assert.equal(j.admissible, false);
      assert.equal(j.vaar, undefined);
      assert.match(String(j.vaar_withheld), /inadmissible/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
