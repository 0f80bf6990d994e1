/**
 * Reads run logs, finds their scenarios and analyses them: what `dilemma analyze`, the end of
 * `dilemma run` and the editor's report panel all show. No editor imports.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeRun, type AnalyzeOptions, type RunLogInput, type ScenarioAnalysis } from '../analysis/analyzeRun';
import { promptShapingChange } from '../analysis/rescore';
import { readRunLog, RunLogError } from '../run/runLog';
import type { SessionRecord } from '../run/record';
import { parseScenario } from '../scenario/parse';
import { renderVariant } from '../scenario/render';
import type { Scenario } from '../scenario/model';
import { workspaceOfLog } from './layout';

/** One model and variant taken from one log (a result set's cell, see resultSet.ts). */
export interface LogCell {
  file: string;
  model: string;
  variant: string;
}

/** The sessions of a log that belong to its listed cells; all of them when no cells are given. */
function selectCells(sessions: SessionRecord[], file: string, cells: readonly LogCell[] | undefined): SessionRecord[] {
  if (!cells) return sessions;
  const mine = new Set(cells.filter((c) => path.resolve(c.file) === path.resolve(file)).map((c) => `${c.model}\u0000${c.variant}`));
  return sessions.filter((s) => mine.has(`${s.model}\u0000${s.variant}`));
}

/** A problem with the inputs (unreadable log or scenario): printed, exit code 2. */
export class AnalyzeInputError extends Error {
  override readonly name = 'AnalyzeInputError';
}

/** The analyses of a set of run logs, grouped by scenario, with the sessions behind each (for the CSV). */
export interface AnalyzedLogs {
  analyses: ScenarioAnalysis[];
  scenarios: { scenario: Scenario; sessions: SessionRecord[] }[];
}

const exists = (f: string): boolean => {
  try {
    return fs.statSync(f).isFile();
  } catch {
    return false;
  }
};

/**
 * Finds the scenario a run was made from: the header's `file` relative to the working directory, or
 * to the workspace that holds the log (`<workspace>/.dilemma/runs/<scenario>/<id>.jsonl`).
 */
export function locateScenario(header: { file: string }, logFile: string, cwd: string): string | undefined {
  const candidates = [path.resolve(cwd, header.file)];
  const abs = path.resolve(cwd, logFile);
  const root = workspaceOfLog(abs);
  if (root !== undefined) candidates.push(path.resolve(root, header.file));
  candidates.push(path.resolve(path.dirname(abs), header.file));
  return candidates.find(exists);
}

/**
 * Reads run logs, finds and parses their scenarios, and analyses each scenario's runs together
 * (logs of the same scenario file, e.g. one per model, are merged). The CLI's `analyze` and the end of
 * `run` both use it. Throws AnalyzeInputError for an unreadable log or scenario.
 */
export async function analyzeLogFiles(files: readonly string[], cwd: string, options: AnalyzeOptions & { scenarioFile?: string; cells?: readonly LogCell[] } = {}): Promise<AnalyzedLogs> {
  const groups = new Map<string, { text: string; logs: RunLogInput[] }>();
  for (const file of files) {
    let log: RunLogInput;
    try {
      const r = await readRunLog(path.resolve(cwd, file));
      log = { header: r.header, sessions: selectCells(r.sessions, file, options.cells), file, ...(r.costUsd !== undefined ? { costUsd: r.costUsd } : {}) };
    } catch (e) {
      throw new AnalyzeInputError(e instanceof RunLogError ? e.message.replace(path.resolve(cwd, file), file) : `${file}: ${(e as Error).message}`);
    }
    const scenarioPath = options.scenarioFile ? path.resolve(cwd, options.scenarioFile) : locateScenario(log.header, file, cwd);
    if (!scenarioPath || !exists(scenarioPath)) {
      throw new AnalyzeInputError(`${file}: cannot find the scenario ${options.scenarioFile ?? log.header.file} the run was made from; give it with --scenario FILE`);
    }
    const g = groups.get(scenarioPath) ?? { text: fs.readFileSync(scenarioPath, 'utf8'), logs: [] };
    g.logs.push(log);
    groups.set(scenarioPath, g);
  }
  const analyses: ScenarioAnalysis[] = [];
  const scenarios: AnalyzedLogs['scenarios'] = [];
  for (const [file, { text, logs }] of groups) {
    const parsed = parseScenario(text);
    const scenario = parsed.scenario;
    if (!scenario) throw new AnalyzeInputError(`${path.relative(cwd, file) || file}: not a scenario (the file's root is not a mapping)`);
    const analysis = analyzeRun(scenario, logs, {
      ...options, scenarioText: text,
      render: (s, v, persona) => renderVariant(s, v, persona),
    });
    const hash = createHash('sha256').update(text).digest('hex');
    const shown = path.relative(cwd, file) || file;
    for (const l of logs) {
      if (l.header.scenarioHash === hash) continue;
      // Re-scoring (issue 14 section 4): the stored answers may be judged by an edited file only if it asks what the run asked.
      const { change, checked } = promptShapingChange(scenario, l.header, l.sessions);
      const at = change?.span ? (() => {
        const p = parsed.lineCounter.linePos(change.span!.start);
        return `${shown}:${p.line}:${p.col}`;
      })() : shown;
      if (change && options.scenarioFile) {
        throw new AnalyzeInputError(`${at}: ${change.field} shapes the prompts and differs from what the run ${l.file} asked (${change.detail}); only analysis-side fields (expect, arbitration, assert, labels) can be re-scored: run the scenario again`);
      }
      analysis.warnings.push(change
        ? `${l.file}: the scenario file has changed since this run, and ${change.field} (${at}) shapes the prompts: ${change.detail}; the current file is used`
        : checked === 0
          ? `${l.file}: the scenario file has changed since this run; re-scored with the edited scenario ${shown}, unchecked: the log keeps no transcripts to compare its prompts with`
          : `${l.file}: the scenario file has changed since this run; re-scored with the edited scenario ${shown}: its prompts are the ones the run asked (checked against the transcripts of ${checked} sessions), so only analysis-side fields changed`);
    }
    analysis.scenario.file = path.relative(cwd, file) || file;
    analyses.push(analysis);
    scenarios.push({ scenario, sessions: logs.flatMap((l) => l.sessions) });
  }
  return { analyses, scenarios };
}

