import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AnalyzeOptions, RunLogInput } from '../core/analysis/analyzeRun';
import { compareRuns, type ComparisonSideScenario, type RunComparison } from '../core/analysis/compare';
import { comparisonSide, ComparisonInputError } from '../core/analysis/comparisonSide';
import { baselineAtRef } from '../core/git/baselineAtRef';
import { findVersion, GitError, MissingAtRefError, textHash } from '../core/git/gitFiles';
import { comparisonJson } from '../core/report/compareJson';
import { comparisonJunit } from '../core/report/compareJunit';
import { comparisonMarkdown } from '../core/report/compareMarkdown';
import { comparisonText } from '../core/report/compareText';
import { defaultRunDir, scenarioRunDir } from '../core/workspace/layout';
import { readRunLog, RunLogError } from '../core/run/runLog';
import { locateScenario } from '../core/workspace/analyzeLogs';
import { flagHelp, parseArgv, UsageError, type CliCommand, type CliIo, type FlagSpec } from './argv';
import pkg from '../../package.json';

const FORMATS = ['text', 'json', 'markdown', 'junit'] as const;
type Format = (typeof FORMATS)[number];

const flags: readonly FlagSpec[] = [
  { name: 'baseline', short: 'b', kind: 'string', multiple: true, description: 'a baseline run log; every log given without it is the candidate' },
  { name: 'baseline-ref', kind: 'string', description: 'the baseline is the newest saved run made with the scenario as committed at this git ref' },
  { name: 'format', kind: 'string', choices: FORMATS, description: 'text (default), json (docs/report-schema.md), markdown (for a pull request), or junit (for CI)' },
  { name: 'out', short: 'o', kind: 'string', description: 'write the comparison to FILE instead of standard output' },
  { name: 'fail-on', kind: 'string', choices: ['regression', 'change'], description: 'exit 1 on a significant regression (or on any significant change)' },
  { name: 'alpha', kind: 'string', description: 'family-wise error rate of the Holm-corrected tests (default 0.05)' },
  { name: 'scenario', kind: 'string', description: 'the scenario file to use instead of the one named in the run headers' },
  { name: 'baseline-scenario', kind: 'string', description: 'the scenario version the baseline ran with, when it is neither the current file nor in git history' },
  { name: 'seed', kind: 'string', description: 'seed of the bootstrap, permutation and Monte Carlo draws (default 1)' },
  { name: 'bootstrap', kind: 'string', description: 'bootstrap replicates of the path model (default 1000)' },
  { name: 'help', short: 'h', kind: 'boolean', description: 'show this help' },
];

const USAGE = 'usage: dilemma compare <baseline.jsonl> <run.jsonl>\n'
  + '       dilemma compare --baseline <baseline.jsonl> [--baseline ...] <run.jsonl...>\n'
  + '       dilemma compare --baseline-ref <git-ref> <run.jsonl...>\n'
  + '       [--format text|json|markdown|junit] [--out FILE] [--fail-on regression|change] [--alpha A]';

/** An unreadable log or scenario, or a baseline that cannot be found: printed, exit code 2. */
class CompareInputError extends Error {
  override readonly name = 'CompareInputError';
}

const intFlag = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} takes a non-negative integer, not "${v}"`);
  return Number(v);
};

function alphaFlag(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const a = Number(v);
  if (!/^(0?\.\d+|0|1)$/.test(v) || !(a > 0 && a < 1)) throw new UsageError(`--alpha takes a number between 0 and 1 (exclusive), not "${v}"`);
  return a;
}

/** Which logs are the baseline and which the candidate, from the arguments; UsageError when that is unclear. */
function splitSides(positionals: readonly string[], baseline: readonly string[], ref: string | undefined): { baseline: string[]; candidate: string[] } {
  if (baseline.length && ref !== undefined) throw new UsageError('--baseline and --baseline-ref both pick the baseline; give one of them');
  if (baseline.length || ref !== undefined) {
    if (positionals.length === 0) throw new UsageError(`no run logs to compare with the baseline: dilemma compare ${ref !== undefined ? '--baseline-ref <ref>' : '--baseline <baseline.jsonl>'} <run.jsonl...>`);
    return { baseline: [...baseline], candidate: [...positionals] };
  }
  if (positionals.length === 0) throw new UsageError('no run logs given: dilemma compare <baseline.jsonl> <run.jsonl>');
  if (positionals.length === 1) throw new UsageError('one run log given: name the baseline too (dilemma compare <baseline.jsonl> <run.jsonl>), or pick it with --baseline FILE or --baseline-ref REF');
  if (positionals.length > 2) throw new UsageError(`${positionals.length} run logs given and none marked as the baseline: with more than two, give the baseline's with --baseline FILE (repeatable) or --baseline-ref REF`);
  return { baseline: [positionals[0]!], candidate: [positionals[1]!] };
}

async function readLogs(files: readonly string[], cwd: string): Promise<RunLogInput[]> {
  const out: RunLogInput[] = [];
  for (const file of files) {
    try {
      const r = await readRunLog(path.resolve(cwd, file));
      out.push({ header: r.header, sessions: r.sessions, file });
    } catch (e) {
      throw new CompareInputError(e instanceof RunLogError ? e.message.replace(path.resolve(cwd, file), file) : `${file}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** Logs grouped by scenario id, newest run first in each group. */
function byScenario(logs: readonly RunLogInput[]): Map<string, RunLogInput[]> {
  const m = new Map<string, RunLogInput[]>();
  for (const l of logs) m.set(l.header.scenario, [...(m.get(l.header.scenario) ?? []), l]);
  for (const list of m.values()) list.sort((a, b) => b.header.startedAt.localeCompare(a.header.startedAt));
  return m;
}

const rel = (cwd: string, f: string): string => path.relative(cwd, f) || f;

/**
 * The scenario text to read a side's logs with: the version they ran with when it can be found (the
 * file given, the current file, or the file's git history by the header's hash), else the current
 * file, which the comparison then labels as not the exact version.
 */
async function scenarioText(scenarioPath: string, hash: string, cwd: string, given?: string): Promise<{ text: string; source: string }> {
  if (given) {
    const file = path.resolve(cwd, given);
    if (!fs.existsSync(file)) throw new CompareInputError(`${given}: no such scenario file (--baseline-scenario)`);
    return { text: fs.readFileSync(file, 'utf8'), source: given };
  }
  const current = fs.readFileSync(scenarioPath, 'utf8');
  if (textHash(current) === hash) return { text: current, source: 'the current file' };
  const found = await findVersion(scenarioPath, hash);
  if (found) return { text: found.text, source: `git ${found.commit.slice(0, 12)}` };
  return { text: current, source: 'the current file (the version the runs were made with was not found)' };
}

function findScenarioPath(log: RunLogInput, cwd: string, given: string | undefined): string {
  const p = given ? path.resolve(cwd, given) : locateScenario(log.header, log.file!, cwd);
  if (!p || !fs.existsSync(p)) throw new CompareInputError(`${log.file}: cannot find the scenario ${given ?? log.header.file} the run was made from; give it with --scenario FILE`);
  return p;
}

/** Reads both sides, finds each scenario's versions, analyses them and compares. */
async function compareFiles(sides: { baseline: string[]; candidate: string[] }, ref: string | undefined, cwd: string,
  opts: AnalyzeOptions & { alpha?: number; scenario?: string; baselineScenario?: string }, warn: (w: string) => void): Promise<RunComparison> {
  const candidateLogs = await readLogs(sides.candidate, cwd);
  const candidateFiles = new Set(sides.candidate.map((f) => path.resolve(cwd, f)));
  for (const f of sides.baseline) if (candidateFiles.has(path.resolve(cwd, f))) throw new UsageError(`${f} is on both sides of the comparison`);
  const analyze: AnalyzeOptions = { seed: opts.seed, bootstrap: opts.bootstrap };
  const cSides: ComparisonSideScenario[] = [];
  const bSides: ComparisonSideScenario[] = [];
  const scenarioPaths = new Map<string, string>();
  for (const [id, logs] of byScenario(candidateLogs)) {
    const scenarioPath = findScenarioPath(logs[0]!, cwd, opts.scenario);
    scenarioPaths.set(id, scenarioPath);
    const { text, source } = await scenarioText(scenarioPath, logs[0]!.header.scenarioHash, cwd);
    cSides.push(comparisonSide({ text, source, file: rel(cwd, scenarioPath), logs }, analyze));
    if (ref === undefined) continue;
    const models = [...new Set([...logs.flatMap((l) => l.sessions.map((s) => s.model)), ...logs.flatMap((l) => l.header.models)])];
    const runDirs = [...new Set([...logs.map((l) => path.dirname(path.resolve(cwd, l.file!))), scenarioRunDir(defaultRunDir(scenarioPath), id)])];
    let found;
    try {
      found = await baselineAtRef({ scenarioFile: scenarioPath, scenarioId: id, ref, runDirs, exclude: [...candidateFiles], models });
    } catch (e) {
      // A scenario added since the ref has no baseline: it is listed as on the candidate's side only.
      if (e instanceof MissingAtRefError) {
        warn(`${e.message}: ${id} has no baseline at ${ref} and is not compared`);
        continue;
      }
      if (e instanceof GitError) throw new CompareInputError(e.message);
      throw e;
    }
    const baseLogs = await readLogs(found.files.map((f) => rel(cwd, f)), cwd);
    bSides.push(comparisonSide({ text: found.text, source: `git ${ref} (${found.commit.slice(0, 12)})`, file: rel(cwd, scenarioPath), logs: baseLogs }, analyze));
  }
  if (ref === undefined) {
    const baselineLogs = await readLogs(sides.baseline, cwd);
    for (const [id, logs] of byScenario(baselineLogs)) {
      let scenarioPath: string;
      try {
        scenarioPath = findScenarioPath(logs[0]!, cwd, opts.scenario);
      } catch (e) {
        // A baseline whose file moved: the candidate's file of the same scenario id stands in.
        const known = scenarioPaths.get(id);
        if (!known) throw e;
        scenarioPath = known;
      }
      const { text, source } = await scenarioText(scenarioPath, logs[0]!.header.scenarioHash, cwd, opts.baselineScenario);
      bSides.push(comparisonSide({ text, source, file: rel(cwd, scenarioPath), logs }, analyze));
    }
  }
  for (const side of [...bSides, ...cSides]) for (const w of side.analysis.warnings) warn(w);
  return compareRuns(bSides, cSides, { alpha: opts.alpha, seed: opts.seed });
}

/** `dilemma compare`: a baseline run against a candidate run, for people (text), pull requests (markdown) and CI (json, junit, exit code). */
export const compareCommand: CliCommand = {
  summary: 'compare a run with a baseline run: action, divergence and VAAR changes with Holm-corrected exact tests',
  usage: `${USAGE}\n\n${flagHelp(flags)}\n\nWith two logs and no --baseline, the first is the baseline. Exit code: 0 done (or no significant regression under --fail-on), 1 a significant regression (or change) under --fail-on, or nothing could be compared under --fail-on, 2 usage error, unreadable input or no baseline found. See docs/compare.md.`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseArgv(args, flags);
    if (parsed.bool('help')) {
      io.stdout(`${compareCommand.usage}\n`);
      return 0;
    }
    const ref = parsed.string('baseline-ref');
    const sides = splitSides(parsed.positionals, parsed.list('baseline'), ref);
    if (parsed.string('baseline-scenario') !== undefined && ref !== undefined) throw new UsageError('--baseline-scenario and --baseline-ref both give the baseline\'s scenario version; give one of them');
    const format = (parsed.string('format') ?? 'text') as Format;
    const failOn = parsed.string('fail-on') as 'regression' | 'change' | undefined;
    const options = {
      alpha: alphaFlag(parsed.string('alpha')), seed: intFlag(parsed.string('seed'), 'seed'), bootstrap: intFlag(parsed.string('bootstrap'), 'bootstrap'),
      scenario: parsed.string('scenario'), baselineScenario: parsed.string('baseline-scenario'),
    };
    const warnings: string[] = [];
    let comparison: RunComparison;
    try {
      comparison = await compareFiles(sides, ref, io.cwd, options, (w) => warnings.push(w));
    } catch (e) {
      if (!(e instanceof CompareInputError) && !(e instanceof ComparisonInputError)) throw e;
      io.stderr(`dilemma compare: ${e.message}\n`);
      return 2;
    }
    let text: string;
    switch (format) {
      case 'json': text = comparisonJson(comparison, { version: pkg.version, generatedAt: new Date().toISOString() }); break;
      case 'markdown': text = comparisonMarkdown(comparison); break;
      case 'junit': text = comparisonJunit(comparison); break;
      default: text = comparisonText(comparison);
    }
    const out = parsed.string('out');
    if (out) {
      fs.mkdirSync(path.dirname(path.resolve(io.cwd, out)), { recursive: true });
      fs.writeFileSync(path.resolve(io.cwd, out), text);
      io.stderr(`dilemma compare: wrote ${out}\n`);
    } else {
      io.stdout(text);
    }
    for (const w of warnings) io.stderr(`warning: ${w}\n`);
    if (!failOn) return 0;
    const s = comparison.summary;
    if (s.nothingCompared) {
      io.stderr('dilemma compare: nothing could be compared, and a gate that measured nothing does not pass (--fail-on)\n');
      return 1;
    }
    const failed = failOn === 'regression' ? s.regressions > 0 : s.regressions + s.improvements + s.changed > 0;
    return failed ? 1 : 0;
  },
};
