/**
 * Shards: `dilemma run --shard I/N` runs the sessions of the plan whose key hashes to shard I of N,
 * so N machines (a CI matrix) together run the plan once, and `dilemma merge` joins their logs. The
 * partition is a pure function of the session key (`model|variant|persona|sample`) and N: the first
 * 32 bits of its sha256, modulo N. It does not depend on the order of the plan, the machine, the
 * process or the run, so a re-run or a resume of a shard runs the same sessions. Shards are balanced
 * only in expectation (each session is a fair draw); a small plan may leave a shard empty.
 */
import { createHash } from 'node:crypto';
import { planSessions, type PlanShape } from './plan';

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Shards a run may be split into; more is a typo, not a CI matrix. */
export const MAX_SHARDS = 1000;

export class ShardError extends Error {
  override readonly name = 'ShardError';
}

/** Parses `I/N` (1 <= I <= N <= MAX_SHARDS); throws `ShardError` saying what is wrong. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new ShardError(`a shard is written I/N (e.g. 2/4), got "${text}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw new ShardError(`the number of shards must be from 1 to ${MAX_SHARDS}, got ${count}`);
  if (index < 1 || index > count) throw new ShardError(`shard ${index}/${count}: the shard number must be from 1 to ${count}`);
  return { index, count };
}

/** `I/N`. */
export function shardLabel(s: Shard): string {
  return `${s.index}/${s.count}`;
}

/** The shard (1-based) a session key belongs to among `count`. */
export function shardOfKey(key: string, count: number): number {
  const h = createHash('sha256').update(key).digest();
  return (h.readUInt32BE(0) % count) + 1;
}

/** Whether a session key is in the shard; every key is in the single shard 1/1. */
export function inShard(key: string, shard: Shard | undefined): boolean {
  return shard === undefined || shard.count === 1 || shardOfKey(key, shard.count) === shard.index;
}

/** Sessions of a plan's counts that fall in the shard (all of them without one). Walks the plan's keys: time grows with the plan. */
export function shardPlanned(shape: Pick<PlanShape, 'models' | 'variants' | 'personas' | 'samples'>, shard: Shard | undefined): number {
  if (shard === undefined || shard.count === 1) return shape.models.length * shape.variants.length * Math.max(1, shape.personas) * shape.samples;
  let n = 0;
  for (const s of planSessions(shape)) if (inShard(s.key, shard)) n++;
  return n;
}
