/**
 * `dilemma run <files...>`: validate the scenarios, resolve the models (providers from the user's
 * config file, keys from the environment), print the preflight estimate, run with a progress bar,
 * and end with where the run log is. Exit codes: 0 done, 1 stopped by the call budget, 2 usage or
 * scenario error, 3 a model could not be reached, 130 cancelled.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkScenario } from '../core/scenario/validate';
import type { Scenario } from '../core/scenario/model';
import type { ChatModel } from '../core/models/chatModel';
import { ModelError } from '../core/models/chatModel';
import { loadProvidersConfig, resolveModel, type ProvidersConfig } from '../core/models/providers';
import { createScheduler } from '../core/run/scheduler';
import { createDiskCache, defaultCacheDir, workspaceRoot } from '../core/run/cache';
import { runScenario, RunSetupError, type Preflight, type RunSummary } from '../core/run/engine';
import { newRunId, readRunLog, runLogPath, isValidRunId } from '../core/run/runLog';
import { createProgress, formatPreflight } from './progress';

export interface RunIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Cancels the run; without one, SIGINT does. */
  signal?: AbortSignal;
}

export const RUN_USAGE = `Usage: dilemma run <files...> --model provider/model [--model ...] [options]

Options:
  --model ID          provider/model, repeatable (default: the scenario's run.models)
  --base-url URL      OpenAI-compatible endpoint for the models' provider
  --samples N         sessions per model x variant x persona (default: run.samples)
  --concurrency N     sessions and calls in flight (default 8)
  --variant NAME      run only this variant
  --format text|json  output (default text)
  --out DIR           run logs go to DIR/<scenario>/<run-id>.jsonl (default <workspace>/.dilemma/runs)
  --no-cache          do not read or write the response cache
  --resume ID         run only the sessions of run ID missing from its log
  --max-calls N       stop after N model calls (attempts); resume later with --resume

Providers come from ~/.config/dilemma-lens/providers.json (or $DILEMMA_CONFIG); API keys only from
the environment (OPENAI_API_KEY, or the provider's apiKeyEnv). See docs/run.md.
`;

interface RunArgs {
  files: string[];
  models: string[];
  baseUrl?: string;
  samples?: number;
  concurrency: number;
  variant?: string;
  format: 'text' | 'json';
  out?: string;
  cache: boolean;
  resume?: string;
  maxCalls?: number;
  help: boolean;
}

class UsageError extends Error {}

const VALUE_FLAGS = new Set(['--model', '--base-url', '--samples', '--concurrency', '--variant', '--format', '--out', '--resume', '--max-calls']);

function positiveInt(flag: string, v: string, allowZero = false): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || (!allowZero && n < 1)) throw new UsageError(`${flag} needs a ${allowZero ? 'non-negative' : 'positive'} integer, got "${v}"`);
  return n;
}

/** Parses `run`'s arguments; throws a usage error naming the offending flag. */
export function parseRunArgs(argv: readonly string[]): RunArgs {
  const a: RunArgs = { files: [], models: [], concurrency: 8, format: 'text', cache: true, help: false };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i] as string;
    let value: string | undefined;
    if (arg === '--') {
      a.files.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--') && arg.includes('=')) {
      value = arg.slice(arg.indexOf('=') + 1);
      arg = arg.slice(0, arg.indexOf('='));
    }
    if (VALUE_FLAGS.has(arg) && value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
    }
    switch (arg) {
      case '--model': a.models.push(value as string); break;
      case '--base-url': a.baseUrl = value; break;
      case '--samples': a.samples = positiveInt(arg, value as string); break;
      case '--concurrency': a.concurrency = positiveInt(arg, value as string); break;
      case '--variant': a.variant = value; break;
      case '--format':
        if (value !== 'text' && value !== 'json') throw new UsageError(`--format must be text or json, got "${value}"`);
        a.format = value;
        break;
      case '--out': a.out = value; break;
      case '--resume':
        if (!isValidRunId(value as string)) throw new UsageError(`--resume needs a run id, got "${value}"`);
        a.resume = value;
        break;
      case '--max-calls': a.maxCalls = positiveInt(arg, value as string, true); break;
      case '--no-cache': a.cache = false; break;
      case '--help': case '-h': a.help = true; break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        a.files.push(arg);
    }
  }
  return a;
}

function envInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : fallback;
}

interface Loaded {
  file: string;
  text: string;
  scenario: Scenario;
}

/** Reads and checks every file; prints `file:line:col: severity: message [code]` for problems. */
function loadScenarios(files: string[], io: RunIo): Loaded[] | undefined {
  const loaded: Loaded[] = [];
  let errors = 0;
  for (const f of files) {
    const file = path.resolve(io.cwd, f);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      io.stderr.write(`${f}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})\n`);
      errors++;
      continue;
    }
    const { parsed, problems } = checkScenario(text);
    for (const p of problems) {
      if (p.severity !== 'error') continue;
      const pos = parsed.lineCounter.linePos(p.range.start);
      io.stderr.write(`${f}:${pos.line}:${pos.col}: ${p.severity}: ${p.message} [${p.code}]\n`);
      errors++;
    }
    if (!problems.some((p) => p.severity === 'error') && parsed.scenario) loaded.push({ file, text, scenario: parsed.scenario });
    else if (!parsed.scenario && problems.length === 0) {
      io.stderr.write(`${f}:1:1: error: not a scenario (the document is not a mapping)\n`);
      errors++;
    }
  }
  return errors > 0 ? undefined : loaded;
}

function formatSummary(s: RunSummary): string {
  const lines = [`${s.scenario}: ${s.complete} complete, ${s.failed} failed${s.notRun ? `, ${s.notRun} not run` : ''}${s.alreadyDone ? ` (${s.alreadyDone} from before)` : ''} of ${s.planned} sessions in ${(s.durationMs / 1000).toFixed(1)} s`];
  lines.push(`  ${s.calls} model calls, ${s.cachedCalls} from the cache, ${s.usage.promptTokens} prompt + ${s.usage.completionTokens} completion tokens`);
  if (s.stopped === 'aborted') lines.push(`  cancelled: resume with --resume ${s.runId}`);
  if (s.stopped === 'budget') lines.push(`  stopped: ${s.reason}; resume with --resume ${s.runId}`);
  if (s.stopped === 'unreachable') lines.push(`  stopped: ${s.reason}`);
  lines.push(`  Run log: ${s.logPath}`);
  return `${lines.join('\n')}\n`;
}

/** Runs `dilemma run`. */
export async function runCommand(argv: string[], io: RunIo): Promise<number> {
  let args: RunArgs;
  try {
    args = parseRunArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`dilemma run: ${err.message}\n\n${RUN_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(RUN_USAGE);
    return 0;
  }
  if (args.files.length === 0) {
    io.stderr.write(`dilemma run: no scenario files given\n\n${RUN_USAGE}`);
    return 2;
  }
  const loaded = loadScenarios(args.files, io);
  if (!loaded) return 2;

  const runDirOf = (file: string): string => (args.out ? path.resolve(io.cwd, args.out) : path.join(workspaceRoot(file), '.dilemma', 'runs'));
  // Models: the flags, else the scenario's run.models; a resume uses the models its log names.
  const wanted = new Set<string>(args.models);
  if (args.models.length === 0) {
    for (const l of loaded) {
      let ids = l.scenario.run.models;
      if (args.resume) {
        try {
          ids = (await readRunLog(runLogPath(runDirOf(l.file), l.scenario.id, args.resume))).header.models;
        } catch {
          // The engine reports a missing or bad log with its path.
        }
      }
      for (const m of ids) wanted.add(m);
    }
  }
  if (wanted.size === 0) {
    io.stderr.write('dilemma run: no model: pass --model provider/model or set run.models in the scenario\n');
    return 2;
  }

  let config: ProvidersConfig;
  const models = new Map<string, ChatModel>();
  try {
    config = loadProvidersConfig(io.env);
    for (const id of wanted) models.set(id, resolveModel(id, { env: io.env, config, ...(args.baseUrl ? { baseUrl: args.baseUrl } : {}), timeoutMs: envInt(io.env, 'DILEMMA_REQUEST_TIMEOUT_MS', 60_000) }));
  } catch (err) {
    io.stderr.write(`dilemma run: ${(err as Error).message}\n`);
    return err instanceof ModelError ? 3 : 2;
  }

  const scheduler = createScheduler({
    concurrency: args.concurrency,
    maxRetries: envInt(io.env, 'DILEMMA_MAX_RETRIES', 4),
    baseDelayMs: envInt(io.env, 'DILEMMA_RETRY_BASE_MS', 500),
    maxDelayMs: envInt(io.env, 'DILEMMA_RETRY_MAX_MS', 8_000),
    requestTimeoutMs: envInt(io.env, 'DILEMMA_REQUEST_TIMEOUT_MS', 60_000),
    ...(args.maxCalls !== undefined ? { maxCalls: args.maxCalls } : {}),
  });

  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  if (io.signal) io.signal.addEventListener('abort', onSigint, { once: true });
  else process.once('SIGINT', onSigint);
  const runId = args.resume ?? newRunId();
  const info = args.format === 'json' ? io.stderr : io.stdout;
  const summaries: (RunSummary & { estimate?: Preflight['estimate']; cachedAtStart?: number })[] = [];
  let exit = 0;
  try {
    for (const l of loaded) {
      if (controller.signal.aborted) break;
      const ids = args.models.length > 0 ? args.models : [...wanted];
      const progress = createProgress(io.stderr, l.scenario.id);
      let pre: Preflight | undefined;
      let summary: RunSummary;
      try {
        summary = await runScenario({
          scenario: l.scenario,
          file: l.file,
          text: l.text,
          models: ids.map((id) => models.get(id) as ChatModel),
          scheduler,
          ...(args.cache ? { cache: createDiskCache(defaultCacheDir(l.file)) } : {}),
          runDir: runDirOf(l.file),
          ...(args.variant !== undefined ? { variant: args.variant } : {}),
          ...(args.samples !== undefined ? { samples: args.samples } : {}),
          concurrency: args.concurrency,
          signal: controller.signal,
          ...(args.resume ? { resume: args.resume } : { runId }),
          onPreflight: (p) => {
            pre = p;
            info.write(formatPreflight(l.scenario.id, p));
          },
          onProgress: (p) => progress.update(p),
        });
      } catch (err) {
        if (err instanceof RunSetupError) {
          io.stderr.write(`dilemma run: ${l.file}: ${err.message}\n`);
          exit = Math.max(exit, 2);
          continue;
        }
        throw err;
      } finally {
        progress.finish();
      }
      summaries.push({ ...summary, ...(pre ? { estimate: pre.estimate, ...(pre.cachedCalls !== undefined ? { cachedAtStart: pre.cachedCalls } : {}) } : {}) });
      if (args.format === 'text') io.stdout.write(formatSummary(summary));
      if (summary.stopped === 'unreachable') exit = Math.max(exit, 3);
      else if (summary.stopped === 'budget') {
        exit = Math.max(exit, 1);
        break;
      } else if (summary.stopped === 'aborted') exit = 130;
    }
  } finally {
    if (io.signal) io.signal.removeEventListener('abort', onSigint);
    else process.removeListener('SIGINT', onSigint);
  }
  if (args.format === 'json') io.stdout.write(`${JSON.stringify({ runId, runs: summaries }, null, 2)}\n`);
  return exit;
}
