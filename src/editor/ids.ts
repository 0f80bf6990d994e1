/** Every id the editor layer shares with package.json, in one place (checked by test/unit/editor/ids.test.ts). */
export const LANGUAGE_ID = 'dilemma';
export const GRAMMAR_SCOPE = 'source.dilemma';
/** Source and DiagnosticCollection name of scenario problems. */
export const DIAGNOSTIC_SOURCE = 'dilemma';
export const FILE_PATTERNS = ['*.dilemma.yaml', '*.dilemma.yml'] as const;
export const SCHEMA_PATH = './schemas/dilemma.schema.json';

export const SETTINGS = {
  /** Check scenario files as they are opened and edited. */
  validationEnabled: 'dilemmaLens.validation.enabled',
  /** Delay after the last edit before re-checking, in ms. */
  validationDebounceMs: 'dilemmaLens.validation.debounceMs',
} as const;

/** Default of `SETTINGS.validationDebounceMs` (must match package.json). */
export const DEFAULT_DEBOUNCE_MS = 200;

/** Commands of running scenarios and reading their results (contributed in package.json). */
export const COMMANDS = {
  runScenario: 'dilemmaLens.runScenario',
  runVariant: 'dilemmaLens.runVariant',
  /** Runs the scenario with its guarded twins (`run.guard`): the guard A/B. */
  runWithGuardrail: 'dilemmaLens.runWithGuardrail',
  pickModel: 'dilemmaLens.pickModel',
  setApiKey: 'dilemmaLens.setApiKey',
  clearApiKey: 'dilemmaLens.clearApiKey',
  showDivergence: 'dilemmaLens.showDivergence',
  compareWithBaseline: 'dilemmaLens.compareWithBaseline',
  showOutput: 'dilemmaLens.showOutput',
  /** Opens the Markdown report of a file's last results (the summary lens's fallback without the report panel). */
  showMarkdownReport: 'dilemmaLens.showMarkdownReport',
  /** In Restricted Mode: shows the results saved in the workspace's `.dilemma/runs`, labelled as from the repository. */
  showRepositoryResults: 'dilemmaLens.showRepositoryResults',
} as const;

/** Registered by the report panel (another part of the editor); the summary lens falls back to the Markdown report without it. */
export const OPEN_REPORT_COMMAND = 'dilemmaLens.openReport';

/** Settings of providers and runs. `providers` is application-scoped: read from user settings only. */
export const RUN_SETTINGS = {
  providers: 'dilemmaLens.providers',
  concurrency: 'dilemmaLens.run.concurrency',
  timeout: 'dilemmaLens.run.timeout',
  deadline: 'dilemmaLens.run.deadline',
  fresh: 'dilemmaLens.run.fresh',
  prices: 'dilemmaLens.run.prices',
} as const;

/** Defaults of `RUN_SETTINGS.timeout` (ms) and `.deadline` (s, 0 none); must match package.json. */
export const DEFAULT_RUN_TIMEOUT_MS = 60_000;
export const DEFAULT_RUN_DEADLINE_S = 0;

/** Default of `RUN_SETTINGS.concurrency` (must match package.json). */
export const DEFAULT_RUN_CONCURRENCY = 4;

/** Themable colours contributed for the result decorations. */
export const COLORS = {
  aligned: 'dilemmaLens.alignedForeground',
  diverging: 'dilemmaLens.divergingForeground',
  failed: 'dilemmaLens.failedForeground',
  summary: 'dilemmaLens.summaryForeground',
  changedWordBackground: 'dilemmaLens.changedWordBackground',
} as const;

/** URI schemes of the read-only result documents. */
export const DIVERGENCE_SCHEME = 'dilemma-divergence';
export const TRANSCRIPT_SCHEME = 'dilemma-transcript';

/** Name of the LogOutputChannel with request traces. */
export const OUTPUT_CHANNEL_NAME = 'Dilemma Lens';

/** Memento keys. */
export const STATE_KEYS = {
  selectedModels: 'dilemmaLens.selectedModels',
} as const;

/** The Testing view's controller of scenario files. */
export const TEST_CONTROLLER_ID = 'dilemmaLens.tests';
/** The report webview's view type (also its `onWebviewPanel:` activation event and serializer). */
export const REPORT_VIEW_TYPE = 'dilemmaLens.report';

/** The "Dilemma Runs" tree view (in the Testing container) and its commands (contributed in package.json). */
export const RUNS_VIEW_ID = 'dilemmaLens.runs';
export const RUNS_COMMANDS = {
  refresh: 'dilemmaLens.runs.refresh',
  /** A run's results on the lines instead of the merged newest ones. */
  showOnLines: 'dilemmaLens.runs.showOnLines',
  /** Back to the merged newest results. */
  showLatest: 'dilemmaLens.runs.showLatest',
  openReport: 'dilemmaLens.runs.openReport',
  delete: 'dilemmaLens.runs.delete',
  /** A run as the baseline of its scenario file (item action). */
  setBaseline: 'dilemmaLens.runs.setBaseline',
  /** Pick a saved run, or the newest run at a git ref, as the active scenario's baseline. */
  pickBaseline: 'dilemmaLens.pickBaseline',
  clearBaseline: 'dilemmaLens.clearBaseline',
  showComparisonReport: 'dilemmaLens.showComparisonReport',
  /** Pick a run of a scenario (or of the report's scenario) and open its report. */
  pickReportRun: 'dilemmaLens.pickReportRun',
} as const;
