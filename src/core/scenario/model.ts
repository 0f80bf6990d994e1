/**
 * The scenario data model: what `parseScenario` produces from a `*.dilemma.yaml` file and what the
 * validator, the renderer, the run engine, the analysis and the editor all read.
 *
 * Every node keeps the source offsets it came from (`Span`, half-open, UTF-16 code units into the
 * document text) so that any consumer can point at the exact place: the editor maps offsets with
 * `document.positionAt`, the CLI with the text's own line starts (`lines.ts`).
 *
 * The model is built best-effort from a possibly broken document: a field that is missing or of the
 * wrong type is absent here (and reported as a `Problem`), never a guess.
 */

/** Half-open source range [start, end) in UTF-16 offsets of the document text. */
export interface Span {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'info';

/** A replacement offered as a quick fix ("did you mean"). */
export interface Fix {
  title: string;
  range: Span;
  replacement: string;
}

/** One problem in a scenario file. `code` is stable (documented in docs/problems.md). */
export interface Problem {
  code: string;
  severity: Severity;
  message: string;
  range: Span;
  fixes?: Fix[];
}

/** A string scalar with the range of its value in the source. */
export interface Located<T = string> {
  value: T;
  range: Span;
}

/** A `{{name}}` occurrence inside a template: `range` covers the braces, `nameRange` the name. */
export interface Placeholder {
  name: string;
  range: Span;
  nameRange: Span;
}

/** A template string (prompt, persona, item text) with its placeholders located in the source. */
export interface Template {
  text: string;
  range: Span;
  placeholders: Placeholder[];
}

/** A var set (`vars`, one `personas` entry, a variant's `vars`): name -> value as text. */
export interface VarEntry {
  name: string;
  value: string;
  /** Range of the key. */
  nameRange: Span;
  /** Range of the value. */
  valueRange: Span;
}
export type VarSet = Map<string, VarEntry>;

export interface Scale {
  min: number;
  max: number;
  low?: string;
  high?: string;
  range: Span;
}

export interface Item {
  /** Explicit id, or `<value>.<index>` counting from 1. */
  id: string;
  /** Whether the id was written in the file (false: derived). */
  explicitId: boolean;
  text: Template;
  reverse: boolean;
  range: Span;
}

export interface ValueDef {
  name: string;
  nameRange: Span;
  label: string;
  scale?: Scale;
  items: Item[];
  range: Span;
}

export interface Choice {
  id: string;
  label: string;
  idRange: Span;
  range: Span;
}

/** `expect` entry: for a choice action the choice id, for a scale action `positive` | `negative`. */
export interface Expectation {
  value: string;
  valueRange: Span;
  target: string;
  targetRange: Span;
}

export interface Action {
  /** Absent when the file leaves it out, which only `items` allows (or when it is broken). */
  prompt?: Template;
  choices?: Choice[];
  scale?: Scale;
  /**
   * Revision 2: a scale action's several decision prompts (the outcome's indicators). Present only when
   * written with a `scale` action. Ids are explicit or `action.<n>` counting from 1; `reverse` is always
   * false here (the format has no reverse-keyed action items).
   */
  items?: Item[];
  expect: Expectation[];
  range: Span;
}

export interface WhenRule {
  kind: 'when';
  when: VarSet;
  /** A choice id, or `high` / `low` for a scale action. */
  require?: Located;
  because?: string;
  range: Span;
}

export interface RankRule {
  kind: 'rank';
  rank: Located[];
  because?: string;
  range: Span;
}

export type ArbitrationRule = WhenRule | RankRule;

export interface Variant {
  name: string;
  nameRange: Span;
  /** Merged over the scenario's `vars` when rendering. */
  vars: VarSet;
  persona?: Template;
  action?: { prompt?: Template; choices?: Choice[] };
  /** Reworded questionnaires: value name -> replacement items. */
  values?: Map<string, Item[]>;
  /** True for the implicit baseline of a file without `variants`. */
  implicit: boolean;
  range: Span;
}

export type SessionMode = 'history' | 'stateless';

/** Revision 2: `run.samples: { min, max, until: asserts }`, sampling in rounds until the asserts settle. */
export interface SequentialSamples {
  min: number;
  max: number;
  until: 'asserts';
  range: Span;
}

export interface RunSettings {
  /** Sessions per model x variant x persona: the fixed N, or `sequential.max` when sampling is sequential. */
  samples: number;
  /** Present only when `run.samples` is written as `{ min, max, until }`. */
  sequential?: SequentialSamples;
  /**
   * Revision 2: render the arbitration rules into the conversation as policy. The parser always sets
   * it (default false); optional only so that settings built by hand elsewhere keep compiling.
   */
  guard?: boolean;
  /** Where `guard` is written (its value), when it is. */
  guardRange?: Span;
  temperature?: number;
  seed?: number;
  maxTokens?: number;
  session: SessionMode;
  /** Value names and `action`, in administration order. Defaults to values in file order, then action. */
  order: string[];
  shuffleItems: boolean;
  models: string[];
  range?: Span;
}

/** Metric names accepted under `assert`, see method.md. */
export const ASSERT_METRICS = ['divergence', 'vaar', 'consistency', 'parse-failures', 'refusals', 'flip-rate', 'pushback-flips'] as const;
export type AssertMetric = (typeof ASSERT_METRICS)[number];

/** Revision 2: the VAAR form an `assert.vaar` gates (method.md "VAAR forms"). */
export const VAAR_FORMS = ['confidence', 'sign', 'strict'] as const;
export type VaarFormName = (typeof VAAR_FORMS)[number];
export const DEFAULT_VAAR_FORM: VaarFormName = 'confidence';

export interface Threshold {
  metric: string;
  min?: number;
  max?: number;
  /** Only on `vaar`, and only when written; read it as `form ?? DEFAULT_VAAR_FORM`. */
  form?: VaarFormName;
  range: Span;
}

/** Revision 2: the question forms of a perturbation family (MoralChoice's templates). */
export const PERTURB_FORMS = ['ab', 'repeat', 'compare'] as const;
export type PerturbForm = (typeof PERTURB_FORMS)[number];

/** Revision 2: the pressure framings a perturbation family may add to the action turn. */
export const PRESSURE_KINDS = ['authority', 'urgency', 'social-proof', 'sycophancy'] as const;
export type PressureKind = (typeof PRESSURE_KINDS)[number];

/**
 * Templates written in the file under `perturb.templates`, overriding the shipped ones
 * (`perturbTemplates.ts`). Only the overridden ones are present.
 */
export interface PerturbTemplates {
  forms: Map<PerturbForm, Template>;
  pressure: Map<PressureKind, Template>;
  pushback?: Template;
}

/** Revision 2: `perturb`, the generated variant families. Every key is optional; lists keep file order, without repeats. */
export interface Perturb {
  seed?: number;
  /** `choice-order`; default false. */
  choiceOrder: boolean;
  forms: PerturbForm[];
  paraphrase?: { count: number; model?: string };
  /** Language codes (BCP 47 style: `de`, `pt-BR`). */
  translate: string[];
  pressure: PressureKind[];
  pushback?: { turns: number };
  templates: PerturbTemplates;
  range: Span;
}

/** Revision 2: `principle`, the abstract question asked once per session for each pair of values. */
export interface Principle {
  /** A template; `{{a}}` and `{{b}}` are filled by the engine with the two values' labels. */
  prompt: Template;
  range: Span;
}

export interface Scenario {
  id: string;
  idRange: Span;
  title?: string;
  description?: string;
  vars: VarSet;
  persona?: Template;
  personas: VarSet[];
  values: ValueDef[];
  action?: Action;
  arbitration: ArbitrationRule[];
  /** Never empty: without `variants` in the file there is one implicit `baseline`. The first is the baseline. */
  variants: Variant[];
  run: RunSettings;
  assert: Threshold[];
  /** Revision 2; absent when not written. */
  perturb?: Perturb;
  /** Revision 2; absent when not written. */
  principle?: Principle;
}

export const DEFAULT_SAMPLES = 5;

/**
 * The widest scale (in points, max - min + 1) whose values the answer schema lists one by one, and
 * above which `validate` warns (`wide-scale`): a model does not tell 1,000 neighbouring points apart,
 * and listing every value made a request body grow with the scale (issue 11 §1).
 */
export const MAX_SCALE_POINTS = 101;

/**
 * The most model calls a run plans before `dilemma run` refuses it without `--yes` or `--max-calls`
 * (`--plan-limit` changes it), and above which `validate` warns (`huge-plan`; issue 11 §2).
 */
export const PLAN_CALL_LIMIT = 1_000_000;
