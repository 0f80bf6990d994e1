/**
 * Joins the logs of the shards of one run (`dilemma run --shard I/N` on N machines) into one run log,
 * as if one process had run the plan: same scenario text (hash), same plan (models, variants,
 * personas, samples, number of shards), every session once. What is wrong with the inputs themselves
 * (not a shard log, another scenario or plan) is a `MergeInputError`; what is missing or doubled
 * (a shard not given or given twice, a session in two logs, a shard with sessions still to run) is a
 * problem the merge reports, still writing what it has (never a session twice), without an end record.
 */
import { RUN_LOG_VERSION, type RunEnd, type RunHeader, type SessionRecord } from './record';
import type { RunLogContents } from './runLog';
import { inShard, shardLabel, shardPlanned } from './shard';

/** The inputs cannot be merged (exit 2); the message names the file. */
export class MergeInputError extends Error {
  override readonly name = 'MergeInputError';
}

export interface MergeInput {
  /** How the file is named in messages. */
  file: string;
  log: RunLogContents;
}

export interface MergeResult {
  header: RunHeader;
  sessions: SessionRecord[];
  /** Present when the merged run is complete (no problem): outcome `done`. */
  end?: RunEnd;
  /** Missing or duplicate shards, sessions in two logs, shards with sessions still to run. */
  problems: string[];
  /** Shard count and the shards found. */
  count: number;
  found: number[];
}

const same = (a: readonly unknown[], b: readonly unknown[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Merges shard logs under the run id `runId`. Throws `MergeInputError` for inputs that are not shards of one plan. */
export function mergeShardLogs(inputs: readonly MergeInput[], runId: string, now: () => Date = () => new Date()): MergeResult {
  if (inputs.length === 0) throw new MergeInputError('no run logs given');
  const first = inputs[0]!;
  const h0 = first.log.header;
  for (const { file, log } of inputs) {
    const h = log.header;
    if (!h.shard) throw new MergeInputError(`${file}: not a shard log (its header has no shard: it was not run with --shard I/N)`);
    const differs = (what: string, mine: unknown, theirs: unknown): MergeInputError =>
      new MergeInputError(`${file}: not the same ${what} as ${first.file} (${JSON.stringify(mine)} here, ${JSON.stringify(theirs)} there): shards of one run share one plan`);
    if (h.scenario !== h0.scenario) throw differs('scenario', h.scenario, h0.scenario);
    if (h.scenarioHash !== h0.scenarioHash) throw new MergeInputError(`${file}: the scenario text differs from that of ${first.file} (its hash ${h.scenarioHash.slice(0, 12)} is not ${h0.scenarioHash.slice(0, 12)}): every shard must run the same scenario file`);
    if (!same(h.models, h0.models)) throw differs('models', h.models, h0.models);
    if (!same(h.variants, h0.variants)) throw differs('variants', h.variants, h0.variants);
    if (h.personas !== h0.personas) throw differs('number of personas', h.personas, h0.personas);
    if (h.samples !== h0.samples) throw differs('samples', h.samples, h0.samples);
    if (h.shard.count !== h0.shard!.count) throw differs('number of shards', h.shard.count, h0.shard!.count);
  }
  const count = h0.shard!.count;
  const problems: string[] = [];
  const byShard = new Map<number, string>();
  for (const { file, log } of inputs) {
    const i = log.header.shard!.index;
    const seen = byShard.get(i);
    if (seen !== undefined) problems.push(`shard ${i}/${count} is given twice: ${seen} and ${file}`);
    else byShard.set(i, file);
  }
  const missing: number[] = [];
  for (let i = 1; i <= count; i++) if (!byShard.has(i)) missing.push(i);
  if (missing.length > 0) problems.push(`missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} (of ${count})`);

  const where = new Map<string, string>();
  const sessions: SessionRecord[] = [];
  const doubled: string[] = [];
  for (const { file, log } of inputs) {
    const shard = log.header.shard!;
    let outside = 0;
    const own = new Set<string>();
    for (const s of log.sessions) {
      const at = where.get(s.key);
      if (at !== undefined) {
        if (at !== file) doubled.push(`${s.key} (${at} and ${file})`);
        continue;
      }
      where.set(s.key, file);
      if (!inShard(s.key, shard)) outside++;
      own.add(s.key);
      sessions.push({ ...s, runId });
    }
    if (outside > 0) problems.push(`${file}: ${outside} session(s) are not of shard ${shardLabel(shard)}`);
    const planned = shardPlanned(log.header, shard);
    if (own.size < planned)
      problems.push(`${file} (shard ${shardLabel(shard)}, run ${log.header.runId}): ${planned - own.size} of its ${planned} sessions are not in the log; finish it with dilemma run --shard ${shardLabel(shard)} --resume ${log.header.runId}`);
  }
  if (doubled.length > 0) problems.push(`${doubled.length} session(s) are in two logs, kept once: ${doubled.slice(0, 3).join('; ')}${doubled.length > 3 ? '; ...' : ''}`);

  const starts = inputs.map((x) => x.log.header.startedAt).sort();
  const header: RunHeader = {
    v: RUN_LOG_VERSION,
    kind: 'run',
    runId,
    scenario: h0.scenario,
    file: h0.file,
    scenarioHash: h0.scenarioHash,
    models: [...h0.models],
    variants: [...h0.variants],
    personas: h0.personas,
    samples: h0.samples,
    merged: { shards: count, runs: inputs.map((x) => x.log.header.runId) },
    startedAt: starts[0] ?? now().toISOString(),
  };
  const total = h0.models.length * h0.variants.length * Math.max(1, h0.personas) * h0.samples;
  const result: MergeResult = { header, sessions, problems, count, found: [...byShard.keys()].sort((a, b) => a - b) };
  if (problems.length === 0 && sessions.length === total) {
    const ends = inputs.map((x) => x.log.end?.finishedAt).filter((t): t is string => t !== undefined).sort();
    const costs = inputs.map((x) => x.log.costUsd);
    const costUsd = costs.every((c): c is number => c !== undefined) ? costs.reduce((a, b) => a + b, 0) : undefined;
    result.end = { v: RUN_LOG_VERSION, kind: 'end', runId, outcome: 'done', planned: total, sessions: sessions.length, ...(costUsd !== undefined ? { costUsd } : {}), finishedAt: ends.at(-1) ?? now().toISOString() };
  }
  return result;
}

/** The merged log's text: header, sessions, and the end record when complete. */
export function mergedLogText(m: MergeResult): string {
  const lines = [JSON.stringify(m.header), ...m.sessions.map((s) => JSON.stringify(s))];
  if (m.end) lines.push(JSON.stringify(m.end));
  return `${lines.join('\n')}\n`;
}
