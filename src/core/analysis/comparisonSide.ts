import { createHash } from 'node:crypto';
import { parseScenario } from '../scenario/parse';
import { renderVariant } from '../scenario/render';
import { analyzeRun, type AnalyzeOptions, type RunLogInput } from './analyzeRun';
import type { ComparisonSideScenario } from './compare';

/** A side of a comparison for one scenario before analysis: the scenario text to read the logs with, and the logs. */
export interface SideInput {
  /** The scenario text the runs were made with (or the closest version found; `source` says which). */
  text: string;
  /** Where the text came from, for the report: "the current file", "git 1a2b3c4", ... */
  source: string;
  /** The scenario file's path for messages and the report. */
  file?: string;
  logs: readonly RunLogInput[];
}

/** A scenario text that does not parse into a scenario: the caller reports it with its file. */
export class ComparisonInputError extends Error {
  override readonly name = 'ComparisonInputError';
}

/**
 * Analyses one side's logs of one scenario exactly as `dilemma analyze` would (same renderer, same
 * options), ready for `compareRuns`. Both the CLI and the editor build their sides with it.
 */
export function comparisonSide(input: SideInput, options: AnalyzeOptions = {}): ComparisonSideScenario {
  const scenario = parseScenario(input.text).scenario;
  if (!scenario) throw new ComparisonInputError(`${input.file ?? input.source}: not a scenario (the file's root is not a mapping)`);
  const analysis = analyzeRun(scenario, input.logs, { ...options, scenarioText: input.text, render: (s, v, persona) => renderVariant(s, v, persona) });
  if (input.file) analysis.scenario.file = input.file;
  const hash = createHash('sha256').update(input.text).digest('hex');
  return { scenario, analysis, logs: input.logs, version: { hash, source: input.source } };
}
