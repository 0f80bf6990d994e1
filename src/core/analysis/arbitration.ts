/**
 * The arbiter outside a run: load a scenario file once, then decide for any context (vars, and the
 * stated scores a product has measured) exactly as the analysis does for a session, because it calls
 * the same `arbitrate`. The `dilemma-lens/arbiter` library and `dilemma arbitrate` are thin over this.
 * Nothing from the file is evaluated: rules compare text and scores only.
 */
import type { LineCounter } from 'yaml';
import type { Scenario } from '../scenario/model';
import { checkScenario } from '../scenario/validate';
import { closest } from '../scenario/suggest';
import { arbitrate as decide, effectiveVars } from './arbiter';
import type { ValueScore } from './scores';

/** One problem of the scenario text, with its 1-based place. */
export interface ScenarioProblem {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  line: number;
  column: number;
}

/** The scenario text has errors: every one of them, each with its line and column. */
export class ScenarioLoadError extends Error {
  override readonly name = 'ScenarioLoadError';
  constructor(readonly problems: ScenarioProblem[]) {
    super(`the scenario has ${problems.length === 1 ? 'an error' : `${problems.length} errors`}:\n${problems.map((p) => `  ${p.line}:${p.column}: ${p.message} [${p.code}]`).join('\n')}`);
  }
}

/** A context the arbiter cannot read (unknown value or var, a score off its scale): the message says which. */
export class ArbitrationInputError extends Error {
  override readonly name = 'ArbitrationInputError';
}

/** A loaded scenario: what a caller may ask about, and the model the arbiter reads. */
export interface ArbiterScenario {
  readonly id: string;
  /** Values with their scales: `stated` scores are given on these. */
  readonly values: readonly { name: string; label: string; min: number; max: number }[];
  /** Choice ids of the action, or `['high', 'low']` for a scale action. */
  readonly decisions: readonly string[];
  readonly variants: readonly string[];
  /** The scenario's default vars. */
  readonly vars: Readonly<Record<string, string>>;
  /** Warnings the text has (errors make `loadScenario` throw). */
  readonly warnings: readonly ScenarioProblem[];
  /** The parsed model (`src/core/scenario/model.ts`). */
  readonly model: Scenario;
  /** 1-based line and column of each arbitration rule, by index. */
  readonly rulePlaces: readonly { line: number; column: number }[];
}

/** What to decide for: vars over the scenario's defaults (optionally a variant's or persona's first), and stated scores. */
export interface ArbitrationContext {
  /** Var values; they override the variant's, the persona's and the scenario's defaults. */
  vars?: Readonly<Record<string, string>>;
  /** A variant whose vars apply before `vars` (default: none, only the scenario's defaults). */
  variant?: string;
  /** Index of a `personas` entry whose vars apply before the variant's. */
  persona?: number;
  /** Stated score of each value on that value's own scale (a questionnaire mean may be fractional); a value left out has no score and is not held. */
  stated?: Readonly<Record<string, number>>;
}

/** The arbiter's decision. */
export interface ArbitrationDecision {
  /** A choice id, or `high` / `low` for a scale action; null when the rules and the held values decide nothing. */
  decision: string | null;
  /** The rule that decided (or applied without deciding), null when no rule applied. */
  rule: { index: number; kind: 'when' | 'rank'; line: number; column: number } | null;
  /** The rule's `because`, or how the values decided. */
  because: string;
  /** `when` / `rank`: a rule decided; `vote`: the held values did; `undetermined`: nothing did. */
  by: 'when' | 'rank' | 'vote' | 'undetermined';
  /** The held values that decided (rank: the highest-ranked held one; vote: the winning side). */
  values: string[];
}

function place(lineCounter: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lineCounter.linePos(Math.max(0, offset));
  return { line, column: col };
}

/**
 * Parses and validates a scenario text. Throws `ScenarioLoadError` listing every error with its line
 * and column; warnings are kept on the result.
 */
export function loadScenario(text: string): ArbiterScenario {
  const { parsed, problems } = checkScenario(text);
  const located = problems.map((p): ScenarioProblem => ({ code: p.code, severity: p.severity, message: p.message, ...place(parsed.lineCounter, p.range.start) }));
  const errors = located.filter((p) => p.severity === 'error');
  const model = parsed.scenario;
  if (errors.length > 0 || !model) throw new ScenarioLoadError(errors.length ? errors : [{ code: 'not-a-scenario', severity: 'error', message: 'the file\'s root is not a mapping', line: 1, column: 1 }]);
  return {
    id: model.id,
    values: model.values.filter((v) => v.scale).map((v) => ({ name: v.name, label: v.label, min: v.scale!.min, max: v.scale!.max })),
    decisions: model.action?.scale ? ['high', 'low'] : (model.action?.choices ?? []).map((c) => c.id),
    variants: model.variants.map((v) => v.name),
    vars: Object.fromEntries([...model.vars].map(([k, e]) => [k, e.value])),
    warnings: located.filter((p) => p.severity !== 'error'),
    model,
    rulePlaces: model.arbitration.map((r) => place(parsed.lineCounter, r.range.start)),
  };
}

/** Every var name the scenario knows: its defaults, personas, variants and `when` rules. */
function knownVars(s: Scenario): string[] {
  const names = new Set<string>(s.vars.keys());
  for (const p of s.personas) for (const k of p.keys()) names.add(k);
  for (const v of s.variants) for (const k of v.vars.keys()) names.add(k);
  for (const r of s.arbitration) if (r.kind === 'when') for (const k of r.when.keys()) names.add(k);
  return [...names];
}

const didYouMean = (name: string, among: readonly string[]): string => {
  const near = closest(name, [...among]);
  return near ? ` (did you mean "${near}"?)` : '';
};

/**
 * The arbiter's decision for a context, as the analysis makes it for a session: the effective vars
 * (scenario defaults, then the persona entry, the variant, and `vars`), each stated score normalised
 * on its value's scale and held above the midpoint, then the first rule that applies, else the vote.
 * Throws `ArbitrationInputError` for an unknown variant, persona, var or value, or a score off its scale.
 */
export function arbitrate(scenario: ArbiterScenario, context: ArbitrationContext = {}): ArbitrationDecision {
  const s = scenario.model;
  let variant;
  if (context.variant !== undefined) {
    variant = s.variants.find((v) => v.name === context.variant);
    if (!variant) throw new ArbitrationInputError(`unknown variant "${context.variant}"${didYouMean(context.variant, scenario.variants)}; the scenario has: ${scenario.variants.join(', ')}`);
  }
  const persona = context.persona ?? 0;
  if (!Number.isInteger(persona) || persona < 0 || (persona > 0 && persona >= s.personas.length)) {
    throw new ArbitrationInputError(`persona ${persona} does not exist; the scenario has ${s.personas.length} persona entr${s.personas.length === 1 ? 'y' : 'ies'} (0-based)`);
  }
  const vars = effectiveVars(s, variant, persona);
  const known = knownVars(s);
  for (const [k, v] of Object.entries(context.vars ?? {})) {
    if (!known.includes(k)) throw new ArbitrationInputError(`unknown var "${k}"${didYouMean(k, known)}; the scenario uses: ${known.join(', ') || 'none'}`);
    if (typeof v !== 'string') throw new ArbitrationInputError(`var "${k}" must be text, got ${typeof v}`);
    vars.set(k, v);
  }
  const scores = new Map<string, ValueScore | null>(s.values.map((v) => [v.name, null]));
  for (const [name, x] of Object.entries(context.stated ?? {})) {
    const def = scenario.values.find((v) => v.name === name);
    if (!def) throw new ArbitrationInputError(`unknown value "${name}"${didYouMean(name, scenario.values.map((v) => v.name))}; the scenario's values: ${scenario.values.map((v) => v.name).join(', ')}`);
    if (typeof x !== 'number' || !Number.isFinite(x) || x < def.min || x > def.max) {
      throw new ArbitrationInputError(`stated ${name} = ${String(x)} is not a number on its scale ${def.min}..${def.max}`);
    }
    const normalised = (x - def.min) / (def.max - def.min);
    scores.set(name, { value: name, mean: x, normalised, n: 1, items: 1, held: normalised > 0.5 });
  }
  const implied = decide(s, vars, scores);
  const rule = implied.rule === undefined ? null : { index: implied.rule, kind: s.arbitration[implied.rule]!.kind, ...scenario.rulePlaces[implied.rule]! };
  return { decision: implied.action ?? null, rule, because: implied.reason, by: implied.by, values: implied.values };
}
