import type { SessionRecord } from '../run/record';
import type { Scenario } from '../scenario/model';
import { ACTION_ITEMS, itemColumns, itemTable, lavaanName } from './itemTable';
import type { CsvTable } from './sem/csv';
import { fitSem, sampleSizeChecks } from './sem/fitSem';
import { invarianceLadder } from './sem/invariance';
import { buildSpec } from './sem/spec';
import { parseSemSyntax } from './sem/syntax';
import type { SemFitMeasures, SemWarning } from './sem/result';
import { vaarFromPaths, type VaarForm, type VaarResult } from './vaar';

/** What the latent (MGSEM) step did for a scenario. */
export interface LatentModelSummary {
  fitted: boolean;
  /** Why it was not attempted or why it failed. */
  reason?: string;
  /**
   * 'composite' when the latent model was refused because a group has fewer complete rows than free
   * parameters: `assert: vaar` with the latent source then uses the composite path model, and says so.
   */
  fallback?: 'composite';
  /** The lavaan syntax that was (or would be) fitted, so anyone can refit it in R. */
  syntax?: string;
  /** Fit measures of the configural model (one group per LLM). */
  fit?: SemFitMeasures;
  groups?: { label: string; n: number }[];
  /**
   * False when the fit converged but a post-fit check failed (a negative variance, a latent or residual
   * covariance that is not positive definite): its numbers are shown marked inadmissible and give no VAAR.
   */
  admissible?: boolean;
  /** Every warning of the fit (the post-fit checks, listwise deletion, few rows per parameter). */
  warnings?: SemWarning[];
  /**
   * The invariance ladder (configural, metric, scalar, metric + equal regressions) with each step's
   * nested comparison, when there are two or more groups; `failure` when a step could not be fitted.
   */
  ladder?: LatentLadderStep[];
  /** Why the ladder stops early or is missing, when it does. */
  ladderFailure?: string;
  /** The value-to-action paths of every group, also when the fit is inadmissible (then they are not interpreted). */
  paths?: LatentPath[];
}

/** One step of the invariance ladder of the latent model. */
export interface LatentLadderStep {
  model: string;
  against?: string;
  npar: number;
  chisq: number;
  df: number;
  cfi: number;
  rmsea: number;
  /** Against the step it is nested in: Δχ², Δdf, the p of the Δχ² test, ΔCFI, ΔRMSEA. */
  dChisq?: number;
  dDf?: number;
  pvalue?: number;
  dCfi?: number;
  dRmsea?: number;
  admissible: boolean;
}

/** One structural path of the latent model in one group (one LLM). */
export interface LatentPath {
  model: string;
  value: string;
  expected: 1 | -1;
  estimate: number;
  se: number;
  p: number;
  /** lavaan's std.all. */
  stdAll: number;
}

/** The latent model's outcome: a summary and VAAR per LLM in both forms (failures when the fit failed). */
export interface LatentModelResult {
  summary: LatentModelSummary;
  vaar: VaarResult[];
}

/** Factor names get a prefix so that they can never collide with an item column. */
const factorName = (value: string): string => `F_${lavaanName(value)}`;

/**
 * The latent path model of method.md: when the action is a scale and every value with an `expect` has
 * at least three items, each value is a factor measured by its (reverse-coded) items with marker-variable
 * identification, the action answer is regressed on the factors, and the configural multi-group model
 * (one group per LLM) is fitted by ML with the SEM engine. Rows with an unreadable answer are left out
 * (listwise, as lavaan's default). A failed fit yields VAAR failures with the engine's reason.
 */
export function latentModel(scenario: Scenario, sessions: readonly SessionRecord[], models: readonly string[], alpha = 0.05): LatentModelResult {
  const forms: VaarForm[] = ['confidence', 'sign', 'strict'];
  if (!scenario.action?.scale) return { summary: { fitted: false, reason: 'the latent model needs a scale action; this action is a choice' }, vaar: [] };
  const action = scenario.action;
  const values = scenario.values.filter((v) => action.expect.some((e) => e.value === v.name));
  const short = values.filter((v) => v.items.length < 3);
  if (values.length === 0) return { summary: { fitted: false, reason: 'no value has an expect entry' }, vaar: [] };
  if (short.length) return { summary: { fitted: false, reason: `every value needs at least 3 items for the latent model; ${short.map((v) => `${v.name} has ${v.items.length}`).join(', ')}` }, vaar: [] };
  const columns = itemColumns(scenario);
  const measurement = values.map((v) => `${factorName(v.name)} =~ ${v.items.map((i) => columns.find((c) => c.value === v.name && c.item === i.id)!.column).join(' + ')}`);
  // With `action.items` (Revision 2) the outcome is a factor measured by them, as the paper's acceptance
  // of data sharing. Otherwise the engine, which regresses factors only, makes the action answer a
  // single-indicator factor with no residual variance: the same model as lavaan's `action ~ F_...`.
  const actionColumns = columns.filter((c) => c.value === ACTION_ITEMS).map((c) => c.column);
  const outcome = actionColumns.length >= 2 ? [`F_action =~ ${actionColumns.join(' + ')}`] : ['F_action =~ action', 'action ~~ 0*action'];
  const syntax = [...measurement, ...outcome, `F_action ~ ${values.map((v) => factorName(v.name)).join(' + ')}`].join('\n');
  const expected = new Map(values.map((v) => [factorName(v.name), action.expect.find((e) => e.value === v.name)!.target === 'negative' ? -1 : 1] as const));
  const fail = (reason: string): LatentModelResult => ({
    summary: { fitted: false, reason, syntax },
    vaar: models.flatMap((m) => forms.map((form): VaarResult => ({ form, source: 'latent', model: m, n: sessions.filter((s) => s.model === m).length, failure: reason }))),
  });
  // Reworded variant items keep their id, so pooling every variant would treat two wordings as one
  // indicator. Fit on the variants whose wording of the model's items is the baseline's, and say so.
  const wording = (name: string): string => {
    const v = scenario.variants.find((x) => x.name === name);
    return JSON.stringify(values.map((val) => (v?.values?.get(val.name) ?? val.items).map((i) => [i.id, i.text.text])));
  };
  const baseWording = wording(scenario.variants[0]?.name ?? '');
  const reworded = scenario.variants.filter((v) => wording(v.name) !== baseWording).map((v) => v.name);
  if (reworded.length) sessions = sessions.filter((x) => !reworded.includes(x.variant));
  const note = reworded.length ? `fitted on the variants whose item wording is the baseline's; left out ${reworded.join(', ')}: reworded items share an item id but not a wording, so they are not the same indicator` : undefined;
  const table: CsvTable = itemTable(scenario, sessions);
  const refusal = sampleSizeRefusal(syntax, table);
  if (refusal) {
    const r = fail(`latent model refused: ${refusal}; the composite path model stands in for it`);
    return { ...r, summary: { ...r.summary, fallback: 'composite' } };
  }
  let result;
  try {
    result = fitSem({ model: syntax, modelFile: 'latent model', data: table, group: 'group' });
  } catch (e) {
    return fail((e as Error).message);
  }
  if (!result.ok) return fail(result.message);
  const fit = result;
  const paths: LatentPath[] = fit.groups.flatMap((g, i) => fit.estimates.filter((r) => r.group === i + 1 && r.op === '~' && r.lhs === 'F_action').map((r) => ({
    model: g.label, value: values.find((v) => factorName(v.name) === r.rhs)?.name ?? r.rhs,
    expected: (expected.get(r.rhs) ?? 1) as 1 | -1, estimate: r.est, se: r.se, p: r.pvalue ?? 1, stdAll: r.stdAll,
  })));
  const summary: LatentModelSummary = { fitted: true, syntax, fit: fit.fit, groups: fit.groups, admissible: fit.admissible, warnings: fit.checks, paths, ...(note ? { reason: note } : {}) };
  if (fit.groups.length >= 2) {
    const lad = invarianceLadder({ model: syntax, modelFile: 'latent model', data: table, group: 'group' }, fit);
    if (lad.ok) {
      summary.ladder = lad.steps.map((st) => ({
        model: st.model, ...(st.against ? { against: st.against } : {}), npar: st.fit.fit.npar, chisq: st.fit.fit.chisq, df: st.fit.fit.df, cfi: st.fit.fit.cfi, rmsea: st.fit.fit.rmsea,
        ...(st.comparison ? { dChisq: st.comparison.dChisq, dDf: st.comparison.dDf, pvalue: st.comparison.pvalue, dCfi: st.comparison.dCfi, dRmsea: st.comparison.dRmsea } : {}),
        admissible: st.fit.admissible,
      }));
    } else {
      summary.ladderFailure = `the ${lad.step} step could not be fitted (${lad.failure.reason}): ${lad.failure.message}`;
    }
  }
  if (!fit.admissible) {
    const why = `inadmissible latent fit: ${fit.checks.filter((c) => c.inadmissible).map((c) => c.message).join('; ')}; its estimates are shown but give no VAAR`;
    return { summary, vaar: fit.groups.flatMap((g) => forms.map((form): VaarResult => ({ form, source: 'latent', model: g.label, n: g.n, failure: why }))) };
  }
  const vaar = fit.groups.flatMap((g) => {
    const mine = paths.filter((x) => x.model === g.label).map((x) => ({ value: x.value, expected: x.expected, estimate: x.estimate, p: x.p, se: x.se }));
    return forms.map((form) => vaarFromPaths(form, 'latent', g.label, g.n, mine, alpha));
  });
  return { summary, vaar };
}

/**
 * The per-group sample-size guard: the configural model has the same free parameters in every group
 * (those of a one-group model with a mean structure); a group with fewer complete rows than that cannot
 * support its own estimates. Returns why, or undefined when every group has enough rows.
 */
function sampleSizeRefusal(syntax: string, table: CsvTable): string | undefined {
  const spec = buildSpec(parseSemSyntax(syntax), { groups: [''], meanStructure: true, equal: [] });
  const cols = spec.ov.map((v) => table.header.indexOf(v));
  const g = table.header.indexOf('group');
  const n = new Map<string, number>();
  for (const row of table.rows) {
    const label = row[g]!.trim();
    const complete = cols.every((c) => c >= 0 && !['', 'NA', 'na', 'NaN', '.'].includes(row[c]!.trim()));
    n.set(label, (n.get(label) ?? 0) + (complete ? 1 : 0));
  }
  const short = sampleSizeChecks([...n].map(([label, rows]) => ({ label, n: rows, free: spec.nFree }))).filter((c) => c.kind === 'too-few-rows-for-parameters');
  return short.length ? short.map((c) => c.message).join('; ') : undefined;
}
