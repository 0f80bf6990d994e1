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
