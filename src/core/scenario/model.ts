/**
 * The scenario data model: what `parseScenario` produces from a `*.dilemma.yaml` file and what the
 * validator, the renderer, the run engine, the analysis and the editor all read.
 *
 * Every node keeps the source offsets it came from (`Span`, half-open, UTF-16 code units into the
 * document text) so that any consumer can point at the exact place: the editor maps offsets with
 * `document.positionAt`, the CLI with the `yaml` package's `LineCounter`.
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
  prompt?: Template;
  choices?: Choice[];
  scale?: Scale;
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

export interface RunSettings {
  samples: number;
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
export const ASSERT_METRICS = ['divergence', 'vaar', 'consistency', 'parse-failures', 'refusals', 'flip-rate'] as const;
export type AssertMetric = (typeof ASSERT_METRICS)[number];

export interface Threshold {
  metric: string;
  min?: number;
  max?: number;
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
}

export const DEFAULT_SAMPLES = 5;
