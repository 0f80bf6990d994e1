/**
 * `dilemma bench <dir|files...> --model a --model b ...`: runs a suite of scenarios through the same
 * engine, cache, resume, budget and deadline as `dilemma run` (`executeRuns`), then prints the
 * leaderboard (docs/bench.md). Exit codes as `run`'s, except that `assert` thresholds do not set 1:
 * 0 done, 1 stopped by --max-calls, 2 usage, suite or scenario error, 3 a model could not be reached,
 * 124 stopped by --deadline, 130 cancelled.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { leaderboard, type BenchScenarioInput, type Price } from '../core/analysis/leaderboard';
import { formatLeaderboard, type LeaderboardFormat } from '../core/report/leaderboardReport';
import { benchInputs, SuiteError } from '../core/workspace/benchSuite';
import { flagHelp, parseArgv, UsageError, type CliCommand, type FlagSpec } from './argv';
import { executeRuns, RUN_FLAGS, runArgsFrom, type RunIo } from './runCommand';

const FROM_RUN = RUN_FLAGS.filter((f) => !['format', 'out', 'help'].includes(f.name));

const FLAGS: FlagSpec[] = [
  ...FROM_RUN,
  { name: 'format', kind: 'string', choices: ['text', 'json', 'markdown', 'html'], description: 'the leaderboard as text (default), json, markdown or html (one self-contained page)' },
  { name: 'out', kind: 'string', description: 'write the leaderboard to FILE instead of stdout' },
  { name: 'run-dir', kind: 'string', description: 'run logs go to DIR/<scenario>/<run-id>.jsonl (default <workspace>/.dilemma/runs)' },
  { name: 'price', kind: 'string', multiple: true, description: 'MODEL=IN:OUT, USD per million prompt (IN) and completion (OUT) tokens, for the cost column' },
  { name: 'help', kind: 'boolean', short: 'h', description: 'show this help' },
];

export const BENCH_USAGE = `usage: dilemma bench <dir|files...> --model provider/model [--model ...] [options]

${flagHelp(FLAGS)}

A folder with a suite.json runs its conflicts' scenarios (benchmarks/conflicts is the project's suite);
another folder runs every *.dilemma.yaml below it. Progress and each scenario's run summary go to
stderr; the leaderboard to stdout (or --out). See docs/bench.md.
Exit code: 0 done, 1 stopped by --max-calls, 2 usage, suite or scenario error, 3 a model could not be
reached, 124 stopped by --deadline, 130 cancelled.`;

/** `--price MODEL=IN:OUT`, split at the last `=` (a model id may hold one). */
export function parsePrice(v: string): [string, Price] {
  const eq = v.lastIndexOf('=');
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(v.slice(eq + 1));
  if (eq <= 0 || !m) throw new UsageError(`--price needs MODEL=IN:OUT (USD per million prompt and completion tokens), got "${v}"`);
  return [v.slice(0, eq), { input: Number(m[1]), output: Number(m[2]) }];
}

/** Runs `dilemma bench` with full control of its streams and environment (tests, scripts). */
export async function benchCommand(argv: readonly string[], io: RunIo): Promise<number> {
  const p = parseArgv(argv, FLAGS);
  if (p.bool('help')) {
    io.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }
  const args = runArgsFrom(p, { outFlag: 'run-dir', format: 'text' });
  const format = (p.string('format') ?? 'text') as LeaderboardFormat;
  const outFile = p.string('out');
  const prices = new Map(p.list('price').map(parsePrice));
  if (args.files.length === 0) throw new UsageError('no suite folder or scenario files given');
  let inputs;
  try {
    inputs = benchInputs(args.files, io.cwd);
  } catch (err) {
    if (!(err instanceof SuiteError)) throw err;
    io.stderr.write(`dilemma bench: ${err.message}\n`);
    return 2;
  }
  for (const s of inputs.suites) io.stderr.write(`suite ${s.name} ${s.version}: ${s.conflicts.length} conflicts, ${s.conflicts.reduce((a, c) => a + c.files.length, 0)} scenarios\n`);
  // The bench needs no latent model, and the sign-form VAAR no bootstrap: fewer resamples keep it quick.
  const outcome = await executeRuns({ ...args, files: inputs.files }, io, io.stderr, 'bench', { latentModel: false, bootstrap: 200 });
  if (typeof outcome === 'number') return outcome;
  const board: BenchScenarioInput[] = outcome.analyses.map((analysis, i) => {
    const { scenario, sessions } = outcome.analyzed[i]!;
    const file = path.resolve(io.cwd, analysis.scenario.file ?? '');
    return { conflict: inputs.conflictOf.get(file) ?? path.basename(path.dirname(file)), scenario, analysis, sessions };
  });
  const missing = inputs.files.length - board.length;
  if (missing > 0) io.stderr.write(`dilemma bench: ${missing} of ${inputs.files.length} scenarios did not finish and are left out of the leaderboard; resume with --resume ${outcome.runId}\n`);
  if (board.length === 0) return Math.max(outcome.exit, 1);
  const suite = inputs.suites.length === 1 ? { name: inputs.suites[0]!.name, version: inputs.suites[0]!.version } : undefined;
  const report = formatLeaderboard(leaderboard(board, { prices, ...(suite ? { suite } : {}) }), format);
  if (outFile) {
    const target = path.resolve(io.cwd, outFile);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, report);
    io.stderr.write(`Leaderboard: ${target}\n`);
  } else io.stdout.write(report);
  return outcome.exit;
}

/** `dilemma bench` in the CLI's command table. */
export const benchCommandModule: CliCommand = {
  summary: 'run a suite of scenarios against several models and rank them',
  usage: BENCH_USAGE,
  run: (args, io) =>
    benchCommand(args, {
      stdout: { write: (t: string) => io.stdout(t), isTTY: process.stdout.isTTY, columns: process.stdout.columns },
      stderr: { write: (t: string) => io.stderr(t), isTTY: process.stderr.isTTY, columns: process.stderr.columns },
      env: process.env,
      cwd: io.cwd,
    }),
};
