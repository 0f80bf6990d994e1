import * as assert from 'node:assert/strict';
import { fitSem } from '../../../../src/core/analysis/sem/fitSem';
import { paramsByGroup } from '../../../../src/core/analysis/sem/implied';
import { evalGroup, mlObjective, type SemProblem } from '../../../../src/core/analysis/sem/ml';
import type { SemEstimate, SemSuccess } from '../../../../src/core/analysis/sem/result';
import { buildSpec } from '../../../../src/core/analysis/sem/spec';
import { groupData, type SemData } from '../../../../src/core/analysis/sem/data';
import { parseSemSyntax } from '../../../../src/core/analysis/sem/syntax';
import { semVaar } from '../../../../src/core/analysis/sem/vaar';
import { inputFor, loadReference, type RefFit, type RefParam } from './referenceFixture';

// Tolerances from ../shared/sem-reference/README.md.
const TOL = { est: 1e-4, seRel: 1e-3, chisqRel: 1e-4, index: 1e-6, std: 1e-4, z: 1e-3, p: 1e-4 };

const reference = loadReference();
const supported = (f: RefFit) => f.call.estimator === 'ML' || f.call.estimator === 'MLR';

function match(fit: SemSuccess, p: RefParam): SemEstimate {
  const op = p.op === '~1' ? '~1' : p.op;
  const rhs = p.op === '~1' ? '' : p.rhs;
  const hit = fit.estimates.find((e) => e.lhs === p.lhs && e.op === op && e.rhs === rhs && e.group === (p.group ?? 1));
  assert.ok(hit, `no row ${p.lhs} ${p.op} ${p.rhs} in group ${p.group_label}`);
  return hit;
}

function near(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs lavaan ${expected} (|diff| ${Math.abs(actual - expected).toExponential(2)} > ${tol})`);
}

describe('SEM engine against lavaan 0.6.14 (../shared/sem-reference)', () => {
  for (const [name, ref] of Object.entries(reference.fits)) {
    if (!supported(ref)) {
      it.skip(`${name}: estimator ${ref.call.estimator} is not supported (ML and MLR only; see docs/sem.md)`);
      continue;
    }
    describe(name, () => {
      let fit: SemSuccess;
      before(() => {
        const r = fitSem(inputFor(ref));
        assert.ok(r.ok, r.ok ? '' : `${r.reason}: ${r.message}`);
        fit = r;
      });

      it('has exactly lavaan\'s parameter rows, npar and df', () => {
        assert.equal(fit.estimates.length, ref.params.length);
        for (const p of ref.params) match(fit, p);
        assert.equal(fit.fit.npar, ref.fit_measures.npar);
        assert.equal(fit.fit.df, ref.fit_measures.df);
        assert.equal(fit.fit.baselineDf, ref.fit_measures['baseline.df']);
      });

      it('matches every estimate (1e-4) and std.all (1e-4)', () => {
        for (const p of ref.params) {
          const e = match(fit, p);
          near(e.est, p.est, TOL.est, `est ${p.lhs}${p.op}${p.rhs} ${p.group_label}`);
          near(e.stdAll, p['std.all'], TOL.std, `std.all ${p.lhs}${p.op}${p.rhs} ${p.group_label}`);
        }
      });

      it(`matches every standard error (${ref.call.estimator === 'MLR' ? 'robust sandwich' : ref.call.information === 'observed' ? 'observed information' : 'expected information'}, 1e-3 relative), z and p`, () => {
        for (const p of ref.params) {
          const e = match(fit, p);
          if (p.se === 0) { assert.equal(e.se, 0); assert.equal(e.z, null); continue; }
          const rel = Math.abs(e.se / p.se - 1);
          assert.ok(rel <= TOL.seRel, `se ${p.lhs}${p.op}${p.rhs} ${p.group_label}: ${e.se} vs ${p.se} (rel ${rel.toExponential(2)})`);
          near(e.z!, p.z!, TOL.z * Math.max(1, Math.abs(p.z!)), `z ${p.lhs}${p.op}${p.rhs}`);
          near(e.pvalue!, p.pvalue!, TOL.p, `pvalue ${p.lhs}${p.op}${p.rhs}`);
        }
      });

      it('matches chi-square (1e-4 relative), its p-value and the per-group chi-square', () => {
        const fm = ref.fit_measures;
        assert.ok(Math.abs(fit.fit.chisq / fm.chisq! - 1) <= TOL.chisqRel, `chisq ${fit.fit.chisq} vs ${fm.chisq}`);
        assert.ok(Math.abs(fit.fit.baselineChisq / fm['baseline.chisq']! - 1) <= TOL.chisqRel, 'baseline chisq');
        near(fit.fit.pvalue, fm.pvalue!, TOL.p, 'pvalue');
        if (ref.chisq_by_group) {
          for (const [label, v] of Object.entries(ref.chisq_by_group)) {
            assert.ok(Math.abs(fit.chisqByGroup[label]! / v - 1) <= TOL.chisqRel, `chisq of ${label}`);
          }
        }
      });

      it('matches CFI, TLI, RMSEA with its 90% interval and SRMR (1e-6 absolute), logL, AIC and BIC', () => {
        const fm = ref.fit_measures;
        for (const k of ['cfi', 'tli', 'rmsea', 'srmr'] as const) near(fit.fit[k], fm[k]!, TOL.index, k);
        for (const k of ['logl', 'aic', 'bic'] as const) near(fit.fit[k] / fm[k]!, 1, 1e-8, k);
        near(fit.fit.rmseaCiLower, fm['rmsea.ci.lower']!, TOL.index, 'rmsea.ci.lower');
        near(fit.fit.rmseaCiUpper, fm['rmsea.ci.upper']!, TOL.index, 'rmsea.ci.upper');
      });

      if (ref.call.estimator === 'MLR') {
        it('matches the Yuan–Bentler (Mplus) scaled chi-square, scaling factors and the scaled and robust CFI, TLI, RMSEA', () => {
          const fm = ref.fit_measures;
          const rb = fit.robust!;
          assert.ok(rb, 'no robust measures');
          assert.ok(Math.abs(rb.chisqScaled / fm['chisq.scaled']! - 1) <= TOL.chisqRel, `chisq.scaled ${rb.chisqScaled} vs ${fm['chisq.scaled']}`);
          assert.ok(Math.abs(rb.baselineChisqScaled / fm['baseline.chisq.scaled']! - 1) <= TOL.chisqRel, 'baseline.chisq.scaled');
          near(rb.scalingFactor, fm['chisq.scaling.factor']!, TOL.index, 'chisq.scaling.factor');
          near(rb.baselineScalingFactor, fm['baseline.chisq.scaling.factor']!, TOL.index, 'baseline.chisq.scaling.factor');
          near(rb.pvalueScaled, fm['pvalue.scaled']!, TOL.p, 'pvalue.scaled');
          const keys = { cfiScaled: 'cfi.scaled', tliScaled: 'tli.scaled', rmseaScaled: 'rmsea.scaled', cfiRobust: 'cfi.robust', tliRobust: 'tli.robust', rmseaRobust: 'rmsea.robust' } as const;
          for (const [ours, theirs] of Object.entries(keys)) near(rb[ours as keyof typeof keys], fm[theirs]!, TOL.index, theirs);
        });
      } else {
        it('has no robust measures without robust standard errors', () => assert.equal(fit.robust, undefined));
      }

      it('reproduces lavaan\'s sample moments, implied moments and chi-square at lavaan\'s own estimates', () => {
        const input = inputFor(ref);
        const statements = parseSemSyntax(input.model);
        const ms = input.group !== undefined;
        const probe = buildSpec(statements, { groups: [''], meanStructure: ms, equal: input.equal ?? [] });
        const data = groupData(input.data, probe.ov, input.group) as SemData;
        const spec = buildSpec(statements, { groups: data.groups.map((g) => g.label), meanStructure: ms, equal: input.equal ?? [] });
        const problem: SemProblem = { spec, rows: paramsByGroup(spec), data: data.groups, nTotal: data.groups.reduce((s, g) => s + g.n, 0) };
        const x = new Float64Array(spec.nFree);
        spec.params.forEach((r) => {
          if (r.free < 0) return;
          const p = ref.params.find((q) => q.lhs === r.lhs && q.op === r.op && q.rhs === (r.op === '~1' ? '' : r.rhs) && (q.group ?? 1) === r.group + 1)!;
          x[r.free] = p.est;
        });
        const p = spec.ov.length;
        data.groups.forEach((g, k) => {
          const label = ms ? g.label : Object.keys(ref.sampstat)[0]!;
          const ss = ref.sampstat[label]!;
          const im = ref.implied[label]!;
          const e = evalGroup(problem, k, x)!;
          for (let i = 0; i < p; i++) {
            for (let j = 0; j < p; j++) {
              near(g.cov[i * p + j]!, ss.cov[i]![j]!, 1e-12, `S[${i},${j}]`);
              near(e.mom.sigma[i * p + j]!, im.cov[i]![j]!, 1e-9, `Sigma[${i},${j}]`);
            }
            if (ss.mean) near(g.mean[i]!, ss.mean[i]!, 1e-12, `mean[${i}]`);
            if (im.mean && ms) near(e.mom.mu[i]!, im.mean[i]!, 1e-9, `mu[${i}]`);
          }
        });
        const chisq = mlObjective(problem, x) * problem.nTotal;
        assert.ok(Math.abs(chisq / ref.fit_measures.chisq! - 1) < 1e-7, `N·F at lavaan's estimates ${chisq} vs ${ref.fit_measures.chisq}`);
      });
    });
  }

  for (const [name, v] of Object.entries(reference.vaar)) {
    const ref = reference.fits[name];
    if (!ref || !supported(ref)) {
      it.skip(`VAAR of ${name}: ${ref ? `estimator ${ref.call.estimator}` : 'a WLSMV fit (no ML fit stored under this name)'} is not supported; see docs/sem.md`);
      continue;
    }
    it(`VAAR of ${name}: every sign and sign-and-p<.05 flag, both rates and the per-group rates`, () => {
      const r = fitSem(inputFor(ref));
      assert.ok(r.ok);
      const expected = [...new Map(v.paths.map((p) => [`${p.lhs}~${p.rhs}`, { lhs: p.lhs, rhs: p.rhs, sign: p.expected_sign as 1 | -1 }])).values()];
      const out = semVaar(r, expected, { model: 'configural' });
      assert.equal(out.paths.length, v.paths.length);
      for (const p of v.paths) {
        const ours = out.paths.find((q) => q.groupLabel === p.group_label && q.lhs === p.lhs && q.rhs === p.rhs)!;
        assert.equal(ours.signAgree, p.sign_agree, `sign ${p.group_label} ${p.lhs}~${p.rhs}`);
        assert.equal(ours.agreeAndSig, p.agree_and_sig, `strict ${p.group_label} ${p.lhs}~${p.rhs}`);
      }
      assert.equal(out.vaarSign, v.vaar_sign);
      assert.equal(out.vaarSignSig, v.vaar_sign_sig);
      assert.deepEqual(out.byGroup.map((g) => g.vaarSign), v.vaar_by_group);
      assert.equal(out.n, ref.fit_measures.ntotal);
      assert.equal(out.model, 'configural');
    });
  }
});
