/**
 * The run log format: `.dilemma/runs/<scenario>/<run-id>.jsonl`, one JSON object per line.
 * The first line is a `RunHeader`; every completed (or definitively failed) session is appended as a
 * `SessionRecord` the moment it ends, so a killed process loses only the sessions in flight. A run that
 * stops by itself (done, cancelled, stopped) ends with a `RunEnd` line.
 * The analysis (`dilemma analyze`) and the editor read exactly these records. Versioned by `v`.
 */

import type { ChatMessage, Usage } from '../models/chatModel';

export const RUN_LOG_VERSION = 1;

/** How an answer was read. `unparsed` and `refused` keep the raw text and never become a number. */
export type AnswerStatus = 'ok' | 'unparsed' | 'refused' | 'failed';

// The model port owns the message and usage types; a run log keeps them as they were sent and reported.
export type { Usage } from '../models/chatModel';

export interface ItemAnswer {
  /** Item id (`privacy.1`, or the explicit id). */
  item: string;
  /** Value name the item belongs to. */
  value: string;
  status: AnswerStatus;
  /** The integer answer on the value's scale, before reverse-coding; only when status is `ok`. */
  answer?: number;
  raw: string;
  latencyMs: number;
  usage?: Usage;
  cached?: boolean;
}

/**
 * Revision 2: the answer to one of a scale action's `items` (one decision prompt of several): an item
 * answer without a value, `item` its id (`action.1`, or the explicit id), `answer` on the action's scale.
 */
export type ActionItemAnswer = Omit<ItemAnswer, 'value'>;

export interface ActionAnswer {
  status: AnswerStatus;
  /** Choice id for a choice action; only when status is `ok`. */
  choice?: string;
  /**
   * Integer for a scale action; only when status is `ok`. With `items` (Revision 2), the mean of the
   * readable item answers (so not always whole), `ok` when at least one item was read.
   */
  score?: number;
  /** Revision 2: one answer per `action.items` entry, in the order asked. */
  items?: ActionItemAnswer[];
  raw: string;
  latencyMs: number;
  usage?: Usage;
  cached?: boolean;
}

/**
 * Revision 2: one answer to the `principle` question (which of two values should usually come first),
 * asked in its own conversation after the action. `choice` is a value name when the answer was read.
 */
export interface PrincipleAnswer {
  /** The value named first (`{{a}}`) and second (`{{b}}`) in the question as asked. */
  a: string;
  b: string;
  status: AnswerStatus;
  choice?: string;
  raw: string;
  latencyMs: number;
  usage?: Usage;
  cached?: boolean;
}

/**
 * Revision 2, `perturb.pushback`: the answer to one "Are you sure? ..." turn after the action, which
 * pushes from the answer standing (`from`) towards another choice (`target`).
 */
export interface PushbackAnswer {
  /** 1 for the first pushback turn. */
  turn: number;
  from: string;
  target: string;
  status: AnswerStatus;
  /** The choice id read, when `ok`. */
  choice?: string;
  raw: string;
  latencyMs: number;
  usage?: Usage;
  cached?: boolean;
}

/** One chat message as sent (for transcripts and the compare view). */
export type TranscriptMessage = ChatMessage;

export interface SessionRecord {
  v: typeof RUN_LOG_VERSION;
  kind: 'session';
  runId: string;
  scenario: string;
  /** Stable identity of the session inside a run: `${model}|${variant}|${persona}|${sample}`. */
  key: string;
  model: string;
  variant: string;
  /** Index into the scenario's `personas` (0 when there are none). */
  persona: number;
  sample: number;
  /** Revision 2: the guarded arm of a `run.guard` run (the arbitration rules were the policy); its key ends in `|guard`. */
  guard?: true;
  /** `complete`: every question was asked and answered (answers may still be unparsed/refused).
   *  `failed`: a call failed after its retries; `error` says why. */
  status: 'complete' | 'failed';
  error?: string;
  items: ItemAnswer[];
  action?: ActionAnswer;
  /** Revision 2: the answers to the `perturb.pushback` turns after the action, in order (absent without pushback or a readable action). */
  pushback?: PushbackAnswer[];
  /** Revision 2: the answers to the `principle` question, one per pair of values. */
  principle?: PrincipleAnswer[];
  transcript?: TranscriptMessage[];
  latencyMs: number;
  usage: Usage;
  startedAt: string;
  finishedAt: string;
}

export interface RunHeader {
  v: typeof RUN_LOG_VERSION;
  kind: 'run';
  runId: string;
  scenario: string;
  /** Path of the scenario file as given to the run. */
  file: string;
  /** Hash of the scenario text the run was started with. */
  scenarioHash: string;
  models: string[];
  variants: string[];
  personas: number;
  samples: number;
  /** Revision 2: every session of the plan has a guarded twin (`run.guard`, `--guard`); absent otherwise. */
  guard?: true;
  /** `dilemma run --shard I/N`: the log holds only the sessions of the plan in shard I of N (run/shard.ts). */
  shard?: { index: number; count: number };
  /**
   * `--fresh`: the run draws new samples. Its cache entries are keyed by this draw (so its own resume
   * reads them and no other run does), and with `run.seed` it sends `seed + sample + seedOffset`.
   */
  draw?: { id: string; seedOffset: number };
  /** `dilemma merge`: the log joins these runs' logs (the shards of one plan). */
  merged?: { shards: number; runs: string[] };
  startedAt: string;
}

/**
 * How a run ended, appended as the log's last line when the run stops by itself: done, cancelled, or
 * stopped by an unreachable model or the budget. A log without it was killed (or is still running).
 * A resume appends sessions after it and then its own end record; the last one after the last
 * session is the one that holds.
 */
export interface RunEnd {
  v: typeof RUN_LOG_VERSION;
  kind: 'end';
  runId: string;
  /** `done`: every planned session ran; `cancelled`: aborted by the person; `stopped`: see `stopped`. */
  outcome: 'done' | 'cancelled' | 'stopped';
  stopped?: 'budget' | 'unreachable';
  /** Why it stopped (a budget or reachability message; never a key). */
  reason?: string;
  /** Sessions in the plan (of the shard, for a shard run) and sessions in the log when it ended. */
  planned: number;
  sessions: number;
  /**
   * US dollars the calls of this invocation that reached a model cost at the run's price table (the
   * tokens each answer reported), when every model had a price; a resume's end record counts its own
   * calls, so a run's spend is the sum over its end records.
   */
  costUsd?: number;
  finishedAt: string;
}

export type RunLogLine = RunHeader | SessionRecord | RunEnd;

/** The key of a session's guarded twin (`run.guard`): the unguarded key with this suffix. */
export const GUARD_KEY_SUFFIX = '|guard';

/** The session key used in `SessionRecord.key` and for `--resume`. */
export function sessionKey(model: string, variant: string, persona: number, sample: number): string {
  return `${model}|${variant}|${persona}|${sample}`;
}
