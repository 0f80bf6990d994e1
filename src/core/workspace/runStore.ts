/**
 * The run store: the run logs of a scenario under `<runDir>/<scenario>/`, listed with their model(s),
 * start time, status and session counts, and loaded for the result set the hosts show
 * (`resultSet.ts`). Shared by the CLI and the editor; no editor imports.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunEnd, RunHeader, SessionRecord } from '../run/record';
import { readRunLog, type RunLogContents } from '../run/runLog';
import { shardPlanned } from '../run/shard';
import { isRunLogName, runIdOfLog, scenarioRunDir } from './layout';

/**
 * What became of a run: `complete` every planned session is in the log; `partial` some are (killed,
 * still running, or stopped after some results); `cancelled` the person stopped it; `failed` it stopped
 * (unreachable model, budget) with no answered session, or every session failed; `empty` it has no
 * session at all (zero sessions) and did not say why; `unreadable` the log cannot be read; `shard`
 * a `--shard I/N` run holds every session of its shard (a part of the plan: `dilemma merge` joins the
 * shards into a complete run). A shard log missing sessions of its own shard is `partial`.
 */
export type RunStatus = 'complete' | 'partial' | 'cancelled' | 'failed' | 'empty' | 'unreadable' | 'shard';

/** One run as listed: from its header, its end record and a count of its sessions. */
export interface RunInfo {
  runId: string;
  file: string;
  scenario: string;
  scenarioHash: string;
  models: string[];
  variants: string[];
  startedAt: string;
  finishedAt?: string;
  status: RunStatus;
  /** Sessions the run planned (models x variants x personas x samples; of a shard run, those in its shard). */
  planned: number;
  /** The shard of a `--shard I/N` run. */
  shard?: { index: number; count: number };
  /** Distinct planned sessions in the log (complete or failed). */
  done: number;
  /** Sessions that answered (status `complete`) and that failed after their retries. */
  complete: number;
  failed: number;
  /** Why it stopped or failed, or why the log is unreadable. */
  reason?: string;
}

/** A run with its header and sessions, for the result set. */
export interface LoadedRun {
  info: RunInfo;
  header: RunHeader;
  sessions: SessionRecord[];
}

/** Sessions one run planned per model and variant (personas x samples). */
export function plannedPerCell(header: RunHeader): number {
  return Math.max(1, header.personas) * header.samples;
}

/** The status and counts of a run from what its log holds. Pure. */
export function runInfo(file: string, header: RunHeader, sessions: readonly SessionRecord[], end?: RunEnd): RunInfo {
  const own = sessions.filter((s) => !s.guard);
  const keys = new Set(own.map((s) => s.key));
  const complete = own.filter((s) => s.status === 'complete').length;
  const failed = own.length - complete;
  const planned = header.shard ? shardPlanned(header, header.shard) : header.models.length * header.variants.length * plannedPerCell(header);
  const done = keys.size;
  let status: RunStatus;
  if (done === 0) status = end?.outcome === 'stopped' ? 'failed' : end?.outcome === 'cancelled' ? 'cancelled' : 'empty';
  else if (complete === 0) status = 'failed';
  else if (done >= planned) status = header.shard && header.shard.count > 1 ? 'shard' : 'complete';
  else if (end?.outcome === 'cancelled') status = 'cancelled';
  else status = 'partial';
  const reason = end?.reason ?? (done > 0 && complete === 0 ? own.find((s) => s.error)?.error ?? 'every session failed' : undefined);
  return {
    runId: header.runId, file, scenario: header.scenario, scenarioHash: header.scenarioHash, models: [...header.models], variants: [...header.variants],
    startedAt: header.startedAt, ...(end ? { finishedAt: end.finishedAt } : {}), status, planned, ...(header.shard ? { shard: { ...header.shard } } : {}), done, complete, failed, ...(reason ? { reason } : {}),
  };
}

/** "complete 24/24", "partial 7/24", "shard 2/4 6/6", "cancelled 7/24", "failed: <why>", "zero sessions"; a shard's partial says its shard. */
export function statusText(info: RunInfo): string {
  const shard = info.shard ? `shard ${info.shard.index}/${info.shard.count}` : '';
  switch (info.status) {
    case 'complete': return `complete ${info.done}/${info.planned}`;
    case 'shard': return `${shard} ${info.done}/${info.planned}`;
    case 'partial': return `${shard ? `${shard}, ` : ''}partial ${info.done}/${info.planned}${info.reason ? ` (stopped: ${info.reason})` : ''}`;
    case 'cancelled': return info.done === 0 ? 'cancelled, zero sessions' : `cancelled, partial ${info.done}/${info.planned}`;
    case 'failed': return `failed${info.done === 0 ? ', zero sessions' : ''}${info.reason ? `: ${info.reason}` : ''}`;
    case 'empty': return 'zero sessions';
    case 'unreadable': return `unreadable: ${info.reason ?? ''}`;
  }
}

/** Newest first: by start time, then run id (ids carry only seconds; runs may start within one). */
export function newestFirst<T extends { info: Pick<RunInfo, 'startedAt' | 'runId'> }>(runs: readonly T[]): T[] {
  return [...runs].sort((a, b) => b.info.startedAt.localeCompare(a.info.startedAt) || b.info.runId.localeCompare(a.info.runId));
}

interface Cached {
  mtimeMs: number;
  size: number;
  run: LoadedRun;
}

/** The run logs under one run folder (`<root>/.dilemma/runs`, or a CLI `--out DIR`). */
export class RunStore {
  /** Logs read before, kept while their size and modification time are unchanged. */
  private readonly cache = new Map<string, Cached>();

  constructor(readonly runDir: string) {}

  /** The run logs of a scenario, newest first, read (a changed log is read again); an unreadable one is listed as such. */
  async load(scenario: string): Promise<LoadedRun[]> {
    const dir = scenarioRunDir(this.runDir, scenario);
    let names: string[];
    try {
      names = (await fs.promises.readdir(dir)).filter(isRunLogName);
    } catch {
      return [];
    }
    const runs = await Promise.all(names.map((n) => this.read(path.join(dir, n), scenario)));
    return newestFirst(runs);
  }

  /** The runs of a scenario, newest first, with model(s), start time, status and session counts. */
  async list(scenario: string): Promise<RunInfo[]> {
    return (await this.load(scenario)).map((r) => r.info);
  }

  /**
   * Deletes one run log of this store (the Runs view's "Delete Run"). Refuses a file outside the run
   * folder or one that is not a run log, so a crafted argument cannot remove anything else.
   */
  async remove(file: string): Promise<void> {
    const abs = path.resolve(file);
    const rel = path.relative(path.resolve(this.runDir), abs);
    if (rel.startsWith('..') || path.isAbsolute(rel) || !isRunLogName(abs)) throw new Error(`${file} is not a run log under ${this.runDir}`);
    await fs.promises.rm(abs);
    this.cache.delete(file);
    this.cache.delete(abs);
  }

  /** One run log, through the cache. */
  async read(file: string, scenario = ''): Promise<LoadedRun> {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(file);
    } catch (e) {
      return unreadable(file, scenario, (e as NodeJS.ErrnoException).code ?? String(e));
    }
    const hit = this.cache.get(file);
    if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.run;
    let log: RunLogContents;
    try {
      log = await readRunLog(file);
    } catch (e) {
      return unreadable(file, scenario, (e as Error).message);
    }
    const run: LoadedRun = { info: runInfo(file, log.header, log.sessions, log.end), header: log.header, sessions: log.sessions };
    this.cache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, run });
    return run;
  }
}

function unreadable(file: string, scenario: string, reason: string): LoadedRun {
  const runId = runIdOfLog(file);
  const header: RunHeader = { v: 1, kind: 'run', runId, scenario, file: '', scenarioHash: '', models: [], variants: [], personas: 0, samples: 0, startedAt: '' };
  return { info: { runId, file, scenario, scenarioHash: '', models: [], variants: [], startedAt: '', status: 'unreadable', planned: 0, done: 0, complete: 0, failed: 0, reason }, header, sessions: [] };
}
