import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeRun, type AnalyzeOptions, type RunLogInput, type ScenarioAnalysis } from '../core/analysis/analyzeRun';
import type { VaarForm } from '../core/analysis/vaar';
import { itemCsv } from '../core/report/csv';
import { reportJson } from '../core/report/json';
import { reportJunit } from '../core/report/junit';
import { reportMarkdown } from '../core/report/markdown';
import { reportText } from '../core/report/text';
import { readRunLog, RunLogError } from '../core/run/runLog';
import type { SessionRecord } from '../core/run/record';
import { parseScenario } from '../core/scenario/parse';
import { renderVariant } from '../core/scenario/render';
import type { Scenario } from '../core/scenario/model';
import { flagHelp, parseArgv, UsageError, type CliCommand, type CliIo, type FlagSpec } from './argv';

const FORMATS = ['text', 'json', 'markdown', 'junit', 'csv'] as const;
type Format = (typeof FORMATS)[number];

const flags: readonly FlagSpec[] = [
  { name: 'format', kind: 'string', choices: FORMATS, description: 'text (default), json (docs/report-schema.md), markdown, junit, or csv (item-level data for lavaan, one scenario)' },
  { name: 'out', short: 'o', kind: 'string', description: 'write the report to FILE instead of standard output' },
  { name: 'scenario', kind: 'string', description: 'the scenario file to use instead of the one named in the run header' },
  { name: 'seed', kind: 'string', description: 'seed of the bootstrap and permutation draws (default 1)' },
  { name: 'bootstrap', kind: 'string', description: 'bootstrap replicates of the path model (default 1000)' },
  { name: 'vaar', kind: 'string', choices: ['confidence', 'sign', 'strict'], description: 'the VAAR form every `assert: vaar` checks, overriding its `form` (default: its `form`, else confidence)' },
  { name: 'help', short: 'h', kind: 'boolean', description: 'show this help' },
];

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
  const marker = `${path.sep}.dilemma${path.sep}`;
  const abs = path.resolve(cwd, logFile);
  const at = abs.lastIndexOf(marker);
  if (at >= 0) candidates.push(path.resolve(abs.slice(0, at), header.file));
  candidates.push(path.resolve(path.dirname(abs), header.file));
  return candidates.find(exists);
}

/**
 * Reads run logs, finds and parses their scenarios, and analyses each scenario's runs together
 * (logs of the same scenario file, e.g. one per model, are merged). The CLI's `analyze` and the end of
 * `run` both use it. Throws AnalyzeInputError for an unreadable log or scenario.
 */
export async function analyzeLogFiles(files: readonly string[], cwd: string, options: AnalyzeOptions & { scenarioFile?: string } = {}): Promise<AnalyzedLogs> {
  const groups = new Map<string, { text: string; logs: RunLogInput[] }>();
  for (const file of files) {
    let log: RunLogInput;
    try {
      const r = await readRunLog(path.resolve(cwd, file));
      log = { header: r.header, sessions: r.sessions, file };
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
    for (const l of logs) if (l.header.scenarioHash !== hash) analysis.warnings.push(`${l.file}: the scenario file has changed since this run (its hash differs); the current file is used`);
    analysis.scenario.file = path.relative(cwd, file) || file;
    analyses.push(analysis);
    scenarios.push({ scenario, sessions: logs.flatMap((l) => l.sessions) });
  }
  return { analyses, scenarios };
}

const intFlag = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} takes a non-negative integer, not "${v}"`);
  return Number(v);
};

/** `dilemma analyze <run.jsonl...>`: the analysis of run logs as text, JSON, Markdown, JUnit or CSV; exit 1 when an assert fails. */
export const analyzeCommand: CliCommand = {
  summary: 'analyse run logs: divergence, flips, path models, VAAR and the scenario\'s asserts',
  usage: `usage: dilemma analyze <run.jsonl...> [--format text|json|markdown|junit|csv] [--out FILE]\n\n${flagHelp(flags)}\n\nExit code: 0 every assert passed, 1 an assert failed or could not be measured, 2 usage error or unreadable input.`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseArgv(args, flags);
    if (parsed.bool('help')) {
      io.stdout(`${analyzeCommand.usage}\n`);
      return 0;
    }
    if (parsed.positionals.length === 0) throw new UsageError('no run logs given: dilemma analyze <run.jsonl...>');
    const format = (parsed.string('format') ?? 'text') as Format;
    const out = parsed.string('out');
    let result: AnalyzedLogs;
    try {
      result = await analyzeLogFiles(parsed.positionals, io.cwd, {
        seed: intFlag(parsed.string('seed'), 'seed'),
        bootstrap: intFlag(parsed.string('bootstrap'), 'bootstrap'),
        vaarForm: parsed.string('vaar') as VaarForm | undefined,
        scenarioFile: parsed.string('scenario'),
      });
    } catch (e) {
      if (!(e instanceof AnalyzeInputError)) throw e;
      io.stderr(`dilemma analyze: ${e.message}\n`);
      return 2;
    }
    const { analyses } = result;
    let text: string;
    switch (format) {
      case 'json': text = reportJson(analyses, { generatedAt: new Date().toISOString() }); break;
      case 'markdown': text = reportMarkdown(analyses); break;
      case 'junit': text = reportJunit(analyses); break;
      case 'csv': {
        if (result.scenarios.length !== 1) {
          io.stderr(`dilemma analyze: --format csv writes one scenario's items; these logs are of ${result.scenarios.length} scenarios\n`);
          return 2;
        }
        text = itemCsv(result.scenarios[0]!.scenario, result.scenarios[0]!.sessions);
        break;
      }
      default: text = reportText(analyses);
    }
    if (out) {
      fs.mkdirSync(path.dirname(path.resolve(io.cwd, out)), { recursive: true });
      fs.writeFileSync(path.resolve(io.cwd, out), text);
      io.stderr(`dilemma analyze: wrote ${out}\n`);
    } else {
      io.stdout(text);
    }
    if (format !== 'text') for (const a of analyses) for (const w of a.warnings) io.stderr(`warning: ${w}\n`);
    const bad = analyses.some((a) => a.asserts.some((r) => r.status !== 'pass'));
    return bad ? 1 : 0;
  },
};
