/**
 * The run engine: plan a scenario, run its sessions through the scheduler (and the cache), append
 * every ended session to the run log as it ends, and report. Sessions run `concurrency` at a time;
 * a history session is sequential inside, so the scheduler's limit is the number of calls in flight.
 * Cancellation is an AbortSignal: in-flight sessions stop promptly and are not recorded (a resume
 * runs them), every ended session is already in the log.
 */
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Scenario } from '../scenario/model';
import { ModelError, type ChatModel } from '../models/chatModel';
import { RUN_LOG_VERSION, type RunEnd, type SessionRecord, type Usage } from './record';
import { cacheKey, type ResponseCache } from './cache';
import { BudgetExceededError } from './scheduler';
import { estimateShape, planRun, planSessions, planShape, PlanError, type DoneSession, type Estimate, type PlanShape, type RunPlan } from './plan';
import { newRunId, readRunLog, runLogPath, RunLogError, RunLogWriter, isValidRunId } from './runLog';
import { runSession, type CallResult, type SessionCall, type SessionSpec } from './session';
import { inShard, shardLabel, type Shard } from './shard';
import { costOf, formatUsd, type PriceOf } from '../models/prices';

/** What the engine needs of the scheduler (`createScheduler` in scheduler.ts provides it). */
export interface CallScheduler {
  run<T>(provider: string, task: (attempt: number, signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export interface RunProgress {
  /** Sessions this invocation runs (a resume counts only the missing ones). */
  total: number;
  done: number;
  complete: number;
  failed: number;
  /** Calls that reached a model, and calls answered from the cache. */
  calls: number;
  cachedCalls: number;
}

export interface Preflight {
  runId: string;
  logPath: string;
  plan: RunPlan;
  /** Sessions already in the log (resume). */
  alreadyDone: number;
  estimate: Estimate;
  /** Calls the cache already answers (found by replaying sessions through the cache only); undefined without a cache. */
  cachedCalls?: number;
  /** The run draws new samples (`--fresh`): the cache serves only what this run itself cached (a resume). */
  fresh?: boolean;
}

/** The estimate of a plan, from counts alone, before anything is built or any file written. */
export interface PlanEstimate {
  runId: string;
  shape: PlanShape;
  /** The shard this invocation runs, and the sessions of the plan in it. */
  shard?: Shard & { planned: number };
  /** Sessions already in the log (resume). */
  alreadyDone: number;
  /** What this invocation would do: the sessions not yet in the log. */
  estimate: Estimate;
}

export interface RunScenarioOptions {
  scenario: Scenario;
  /** The scenario file, recorded in the header and hashed (its text) for resume checks. */
  file: string;
  /** The scenario text; read from `file` when absent. */
  text?: string;
  models: ChatModel[];
  scheduler: CallScheduler;
  cache?: ResponseCache;
  /** Logs go to `<runDir>/<scenario>/<run-id>.jsonl`. */
  runDir: string;
  variant?: string;
  samples?: number;
  /**
   * Revision 2: run every session a second time with the arbitration rules stated as its policy (the
   * guard A/B). Default the scenario's `run.guard`; a resume follows its log's header instead.
   */
  guard?: boolean;
  /** Sessions in flight; default 8. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Run id to resume: only the sessions of its plan missing from its log run. */
  resume?: string;
  /**
   * Run only the sessions of the plan in this shard (`--shard I/N`, run/shard.ts); recorded in the
   * header, so a resume keeps it. Undefined: the whole plan.
   */
  shard?: Shard;
  /**
   * Draw new samples (`--fresh`): read no answer cached by another run. The run gets its own draw,
   * recorded in the header (a resume keeps it): its cache entries are keyed by it, and with `run.seed`
   * its seeds are moved by the draw's offset. Ignored for a resume, which follows its header.
   */
  fresh?: boolean;
  /** Prices of the models (models/prices.ts): the spent cost is counted, logged and reported when every model has one. */
  priceOf?: PriceOf;
  /**
   * Stop once the calls that reached a model cost this many US dollars (`--max-cost`), like the call
   * budget: no call starts after it is spent (calls in flight finish), the run is `stopped: budget` and
   * resumable. Every model needs a price (`priceOf`).
   */
  maxCost?: number;
  runId?: string;
  /** Replay sessions through the cache before the run to report the cached share (default true with a cache). */
  preflightCache?: boolean;
  /**
   * Refuse a plan of more calls than this (not counting sessions already in the log): the run throws
   * `PlanTooLargeError` before it writes anything. Undefined: no limit.
   */
  planLimit?: number;
  /** Called with the estimate first, before the plan is built, the limit checked or the log opened. */
  onEstimate?: (e: PlanEstimate) => void;
  /**
   * Wall-clock deadline of the whole run (`Date.now()` ms). When it passes, sessions in flight are
   * stopped and not recorded, like a cancellation, and the summary says `deadline`: a resume runs
   * what is unfinished.
   */
  deadline?: number;
  onPreflight?: (p: Preflight) => void | Promise<void>;
  onSession?: (record: SessionRecord) => void;
  onProgress?: (p: RunProgress) => void;
  now?: () => Date;
}

export type StopReason = 'aborted' | 'budget' | 'unreachable' | 'deadline';

export interface RunSummary {
  runId: string;
  scenario: string;
  file: string;
  logPath: string;
  /** Sessions in the plan, sessions already logged before this invocation (resume), and this invocation's outcome. */
  planned: number;
  alreadyDone: number;
  complete: number;
  failed: number;
  notRun: number;
  calls: number;
  cachedCalls: number;
  usage: Usage;
  durationMs: number;
  stopped?: StopReason;
  /** Why the run stopped early (a budget or reachability message; never a key). */
  reason?: string;
  /** The model that could not be reached, when `stopped` is `unreachable`. */
  unreachableModel?: string;
  /** The shard the run ran (its `planned` counts the shard's sessions only). */
  shard?: Shard;
  /** US dollars this invocation's calls cost at `priceOf`, when every model has a price. */
  costUsd?: number;
}

/** Thrown for usage problems the caller reports as such (exit 2): unknown variant, bad resume id, changed scenario. */
export class RunSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunSetupError';
  }
}

/** The plan makes more calls than the limit allows; nothing was built or written. */
export class PlanTooLargeError extends RunSetupError {
  constructor(
    readonly estimate: Estimate,
    readonly limit: number,
  ) {
    super(`the plan makes ${estimate.calls.toLocaleString('en-US')} calls, above the limit of ${limit.toLocaleString('en-US')}`);
    this.name = 'PlanTooLargeError';
  }
}

/** A model that never answered: connection refused before any success, or auth / not found. */
class UnreachableError extends Error {
  constructor(
    readonly model: string,
    readonly error: ModelError,
  ) {
    super(`${model} could not be reached (${error.kind}): ${error.message}`);
    this.name = 'UnreachableError';
  }
}

class CacheMiss extends Error {}

/** `--max-cost` is spent: no call was made for this one. */
export class CostBudgetExceededError extends Error {
  constructor(
    readonly maxCost: number,
    readonly spent: number,
  ) {
    super(`Cost budget spent: --max-cost ${maxCost} allows no further model calls (${formatUsd(spent)} spent)`);
    this.name = 'CostBudgetExceeded';
  }
}

function isBudgetError(err: unknown): boolean {
  return err instanceof BudgetExceededError || err instanceof CostBudgetExceededError;
}

/** The outcome an end record states, or undefined for an unexpected error (rethrown; the log then has no end). */
function endOf(fatal: unknown, aborted: boolean): Pick<RunEnd, 'outcome' | 'stopped' | 'reason'> | undefined {
  if (fatal instanceof UnreachableError) return { outcome: 'stopped', stopped: 'unreachable', reason: fatal.message };
  if (isBudgetError(fatal)) return { outcome: 'stopped', stopped: 'budget', reason: (fatal as Error).message };
  if (fatal !== undefined && !(fatal instanceof ModelError && fatal.kind === 'aborted')) return undefined;
  return aborted ? { outcome: 'cancelled' } : { outcome: 'done' };
}

/**
 * The draw of a fresh run: its id (the run id, unique) and a seed offset from its hash, a multiple of
 * 1,000,000 (1 to 1000 of them), so its seeds `seed + sample + offset` are not an earlier run's
 * `seed + sample` for any plan under a million samples.
 */
export function freshDraw(runId: string): { id: string; seedOffset: number } {
  const h = createHash('sha256').update(`draw:${runId}`).digest();
  return { id: runId, seedOffset: ((h.readUInt32BE(0) % 1000) + 1) * 1_000_000 };
}

/** sha256 of the scenario text, kept in the header so a resume can refuse a changed scenario. */
export function scenarioHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `width` workers pulling from one iterator: only the items in flight exist at any time. */
async function pool<T>(items: Iterator<T>, width: number, signal: AbortSignal, work: (item: T) => Promise<void>): Promise<void> {
  const worker = async (): Promise<void> => {
    while (!signal.aborted) {
      const next = items.next();
      if (next.done) return;
      await work(next.value);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, width) }, worker));
}

/**
 * Runs (or resumes) one scenario and returns its summary. Throws `RunSetupError` for problems found
 * before any call; a stop by abort, budget or an unreachable model is reported in the summary.
 */
export async function runScenario(o: RunScenarioOptions): Promise<RunSummary> {
  const t0 = performance.now();
  const now = o.now ?? (() => new Date());
  const text = o.text ?? (await fs.promises.readFile(o.file, 'utf8'));
  const hash = scenarioHash(text);
  const byId = new Map(o.models.map((m) => [m.id, m]));

  let runId: string;
  let plan: RunPlan;
  let writer: RunLogWriter;
  const done = new Set<string>();
  let estimate: Estimate;
  let shard: Shard | undefined = o.shard;
  let draw: { id: string; seedOffset: number } | undefined;
  /** Sessions this run plans: the whole plan, or the shard's part of it. */
  let planned: number;
  try {
    // Counts and the estimate first: a plan too large to build is refused before anything is built.
    let shape: PlanShape;
    let resumeLog: { file: string; completeBytes: number } | undefined;
    let doneSessions: { variant: string; persona: number; guard?: boolean }[] = [];
    if (o.resume !== undefined) {
      if (!isValidRunId(o.resume)) throw new RunSetupError(`"${o.resume}" is not a run id`);
      runId = o.resume;
      const file = runLogPath(o.runDir, o.scenario.id, runId);
      if (!fs.existsSync(file)) throw new RunSetupError(`no run ${runId} for scenario ${o.scenario.id} (looked for ${file})`);
      const log = await readRunLog(file);
      if (log.header.scenarioHash !== hash)
        throw new RunSetupError(`${o.file} changed since run ${runId} started; resume needs the same scenario text (start a new run instead)`);
      const logged = log.header.shard;
      if (o.shard !== undefined && (logged === undefined || logged.index !== o.shard.index || logged.count !== o.shard.count))
        throw new RunSetupError(`run ${runId} is ${logged ? `shard ${shardLabel(logged)}` : 'not a shard run'}; resume it without --shard${logged ? ` or with --shard ${shardLabel(logged)}` : ''}`);
      shard = logged;
      draw = log.header.draw;
      const missing = log.header.models.filter((m) => !byId.has(m));
      if (missing.length > 0) throw new RunSetupError(`run ${runId} used ${missing.join(', ')}, which this invocation does not provide`);
      shape = planShape(o.scenario, { models: log.header.models, variants: log.header.variants, samples: log.header.samples, guard: log.header.guard === true });
      for (const s of log.sessions) {
        if (done.has(s.key)) continue;
        done.add(s.key);
        doneSessions.push({ variant: s.variant, persona: s.persona, ...(s.guard ? { guard: true } : {}) });
      }
      resumeLog = { file, completeBytes: log.completeBytes };
    } else {
      runId = o.runId ?? newRunId(now());
      if (o.fresh) draw = freshDraw(runId);
      shape = planShape(o.scenario, { models: o.models.map((m) => m.id), ...(o.variant !== undefined ? { variants: [o.variant] } : {}), ...(o.samples !== undefined ? { samples: o.samples } : {}), ...(o.guard !== undefined ? { guard: o.guard } : {}) });
    }
    if (o.maxCost !== undefined) {
      const unpriced = shape.models.filter((m) => o.priceOf?.(m) === undefined);
      if (unpriced.length > 0) throw new RunSetupError(`--max-cost needs a price for every model; none for ${unpriced.join(', ')} (set "price" or "prices" in the providers file, see docs/run.md)`);
    }
    // A shard's estimate leaves out the sessions of the other shards as if they were done.
    const sh = shard;
    const left = doneSessions;
    const outside = function* (): Generator<DoneSession> {
      yield* left;
      if (sh) for (const s of planSessions(shape)) if (!inShard(s.key, sh)) yield s;
    };
    estimate = estimateShape(o.scenario, shape, outside());
    doneSessions = [];
    planned = estimate.sessions + done.size;
    o.onEstimate?.({ runId, shape, alreadyDone: done.size, estimate, ...(sh ? { shard: { ...sh, planned } } : {}) });
    if (o.planLimit !== undefined && estimate.calls > o.planLimit) throw new PlanTooLargeError(estimate, o.planLimit);
    plan = planRun(o.scenario, { models: shape.models, variants: shape.variants, samples: shape.samples, guard: shape.guard });
    if (resumeLog) writer = await RunLogWriter.reopen(resumeLog.file, resumeLog.completeBytes);
    else
      writer = await RunLogWriter.create(runLogPath(o.runDir, o.scenario.id, runId), {
        v: RUN_LOG_VERSION,
        kind: 'run',
        runId,
        scenario: o.scenario.id,
        file: o.file,
        scenarioHash: hash,
        models: plan.models,
        variants: plan.variants,
        personas: plan.personas,
        samples: plan.samples,
        ...(plan.guard ? { guard: true as const } : {}),
        ...(shard ? { shard: { index: shard.index, count: shard.count } } : {}),
        ...(draw ? { draw } : {}),
        startedAt: now().toISOString(),
      });
  } catch (err) {
    if (err instanceof PlanError || err instanceof RunLogError) throw new RunSetupError(err.message);
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new RunSetupError(`a log for run ${o.runId ?? ''} of scenario ${o.scenario.id} already exists (are two files using the id "${o.scenario.id}"?)`);
    throw err;
  }

  // Pulled one at a time by the workers: the sessions of the plan not yet in the log.
  const todoCount = estimate.sessions;
  const todo = function* (): Generator<SessionSpec, void, undefined> {
    for (const s of plan.sessions()) if (!done.has(s.key) && inShard(s.key, shard)) yield s;
  };
  const internal = new AbortController();
  // Every queued call listens for the abort; hundreds at once is expected, not a leak.
  setMaxListeners(0, internal.signal);
  const onOuterAbort = (): void => internal.abort();
  let deadlinePassed = false;
  const deadlineTimer =
    o.deadline !== undefined
      ? setTimeout(() => {
          deadlinePassed = true;
          internal.abort();
        }, Math.max(0, o.deadline - Date.now()))
      : undefined;
  if (o.signal?.aborted) internal.abort();
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const concurrency = Math.max(1, o.concurrency ?? 8);
  const cacheWrites = new Set<Promise<void>>();
  const answered = new Set<string>();
  const progress: RunProgress = { total: todoCount, done: 0, complete: 0, failed: 0, calls: 0, cachedCalls: 0 };
  const usage: Usage = { promptTokens: 0, completionTokens: 0 };
  let fatal: unknown;
  // Spent money: counted when every model has a price (else it would be a floor passed off as a sum).
  const prices = o.priceOf && plan.models.every((m) => o.priceOf!(m) !== undefined) ? new Map(plan.models.map((m) => [m, o.priceOf!(m)!])) : undefined;
  let spent = 0;

  const makeCall = (model: ChatModel, spec: SessionSpec, cacheOnly: { hits: number } | undefined): SessionCall => async (req) => {
    const seed = req.seed !== undefined && draw ? req.seed + draw.seedOffset : req.seed;
    const key = o.cache
      ? cacheKey({ origin: model.origin, model: model.id, messages: req.messages, temperature: req.temperature, seed, maxTokens: req.maxTokens, schema: req.schema, variant: spec.variant, persona: spec.persona, sample: spec.sample, ...(spec.guard ? { guard: true } : {}), ...(draw ? { draw: draw.id } : {}) })
      : '';
    const started = performance.now();
    if (o.cache) {
      const hit = await o.cache.get(key);
      if (hit) {
        if (cacheOnly) cacheOnly.hits++;
        else progress.cachedCalls++;
        return { text: hit.text, ...(hit.usage ? { usage: hit.usage } : {}), latencyMs: Math.round(performance.now() - started), cached: true };
      }
    }
    if (cacheOnly) throw new CacheMiss();
    if (o.maxCost !== undefined && spent >= o.maxCost) throw new CostBudgetExceededError(o.maxCost, spent);
    let response;
    try {
      response = await o.scheduler.run(
        model.provider,
        (_attempt, signal) => {
          progress.calls++;
          return model.complete({ messages: req.messages, temperature: req.temperature, seed, maxTokens: req.maxTokens, responseSchema: req.schema, signal });
        },
        internal.signal,
      );
    } catch (err) {
      if (err instanceof ModelError && (err.kind === 'auth' || err.kind === 'not-found' || (err.kind === 'network' && !answered.has(model.id))))
        throw new UnreachableError(model.id, err);
      throw err;
    }
    answered.add(model.id);
    const price = prices?.get(model.id);
    if (price) {
      // The tokens the endpoint reported, else characters / 4 of what was sent and received.
      const u = response.usage ?? { promptTokens: Math.ceil(req.messages.reduce((n, m) => n + m.content.length, 0) / 4), completionTokens: Math.ceil(response.text.length / 4) };
      spent += costOf(u, price);
    }
    if (o.cache) {
      const w = o.cache.set(key, { text: response.text, ...(response.usage ? { usage: response.usage } : {}), ...(response.finishReason ? { finishReason: response.finishReason } : {}) });
      cacheWrites.add(w);
      void w.finally(() => cacheWrites.delete(w));
    }
    const result: CallResult = { text: response.text, latencyMs: Math.round(performance.now() - started), cached: false };
    if (response.usage) result.usage = response.usage;
    return result;
  };

  const sessionContext = (spec: SessionSpec, call: SessionCall) => {
    const rendered = plan.rendered(spec.variant, spec.persona, spec.guard === true);
    const model = byId.get(spec.model) as ChatModel;
    if (!rendered) throw new Error(`no rendered prompts for ${spec.key}`);
    return { scenarioId: plan.scenarioId, runId, spec, rendered, settings: plan.settings, supportsSystemPrompt: model.supportsSystemPrompt, supportsStructuredOutput: model.supportsStructuredOutput, call, now };
  };

  const logPath = writer.file;
  let ran = false;
  try {
    let cachedCalls: number | undefined;
    // A fresh run's draw is new: nothing is cached under it yet, so there is nothing to replay.
    const freshStart = draw !== undefined && o.resume === undefined;
    if (o.cache && freshStart) cachedCalls = 0;
    else if (o.cache && o.preflightCache !== false) {
      const counter = { hits: 0 };
      await pool(todo(), 16, internal.signal, async (spec) => {
        try {
          await runSession(sessionContext(spec, makeCall(byId.get(spec.model) as ChatModel, spec, counter)));
        } catch (err) {
          if (!(err instanceof CacheMiss)) throw err;
        }
      });
      cachedCalls = counter.hits;
    }
    await o.onPreflight?.({ runId, logPath, plan, alreadyDone: planned - todoCount, estimate, ...(cachedCalls !== undefined ? { cachedCalls } : {}), ...(draw ? { fresh: true } : {}) });
    o.onProgress?.({ ...progress });

    await pool(todo(), concurrency, internal.signal, async (spec) => {
      const model = byId.get(spec.model) as ChatModel;
      let record: SessionRecord;
      try {
        record = await runSession(sessionContext(spec, makeCall(model, spec, undefined)));
      } catch (err) {
        if (!internal.signal.aborted) {
          fatal = err;
          internal.abort();
        }
        return;
      }
      // A session that ended while the run was being stopped is still whole: keep it.
      await writer.append(record);
      usage.promptTokens += record.usage.promptTokens;
      usage.completionTokens += record.usage.completionTokens;
      progress.done++;
      if (record.status === 'complete') progress.complete++;
      else progress.failed++;
      o.onSession?.(record);
      o.onProgress?.({ ...progress });
    });
    ran = true;
  } finally {
    o.signal?.removeEventListener('abort', onOuterAbort);
    if (deadlineTimer !== undefined) clearTimeout(deadlineTimer);
    await Promise.allSettled([...cacheWrites]);
    // How the run ended goes in the log, so both hosts can tell a cancelled or stopped run from a killed one.
    if (ran) {
      const end = endOf(fatal, internal.signal.aborted);
      if (end) await writer.append({ v: RUN_LOG_VERSION, kind: 'end', runId, ...end, planned, sessions: planned - todoCount + progress.done, ...(prices ? { costUsd: spent } : {}), finishedAt: now().toISOString() });
    }
    await writer.close();
  }

  const summary: RunSummary = {
    runId,
    scenario: plan.scenarioId,
    file: o.file,
    logPath,
    planned,
    alreadyDone: planned - todoCount,
    complete: progress.complete,
    failed: progress.failed,
    notRun: todoCount - progress.done,
    calls: progress.calls,
    cachedCalls: progress.cachedCalls,
    usage,
    durationMs: Math.round(performance.now() - t0),
    ...(shard ? { shard } : {}),
    ...(prices ? { costUsd: spent } : {}),
  };
  if (fatal instanceof UnreachableError) {
    summary.stopped = 'unreachable';
    summary.reason = fatal.message;
    summary.unreachableModel = fatal.model;
  } else if (isBudgetError(fatal)) {
    summary.stopped = 'budget';
    summary.reason = (fatal as Error).message;
  } else if (fatal !== undefined && !(fatal instanceof ModelError && fatal.kind === 'aborted')) {
    throw fatal;
  } else if (deadlinePassed && !o.signal?.aborted) {
    if (summary.notRun > 0) {
      summary.stopped = 'deadline';
      summary.reason = `the deadline passed with ${summary.notRun} of ${todoCount} sessions unfinished`;
    }
  } else if (internal.signal.aborted) {
    summary.stopped = 'aborted';
  }
  return summary;
}
