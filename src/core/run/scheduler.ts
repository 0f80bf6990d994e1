/**
 * The call scheduler: every model call of a run goes through `run`, which owns concurrency (global
 * and per provider), retries with backoff, `Retry-After`, the per-attempt timeout, the call budget
 * and cancellation. Tasks are plain functions of `(attempt, signal)`, so the scheduler knows nothing
 * of models or sessions and tests can drive it with any async function.
 *
 * A slot is held only while an attempt runs, never during a backoff sleep, so a provider that asks
 * us to wait does not starve the others. Queues are FIFO per provider and O(1) per operation.
 */
import type { ModelErrorKind } from '../models/chatModel';
import { ModelError } from '../models/chatModel';

/** Limits and retry policy of a scheduler; the CLI fills them from flags and environment. */
export interface SchedulerOptions {
  /** Attempts in flight at once, over all providers. */
  concurrency: number;
  /** Tighter limits for some providers, e.g. `{ ollama: 1 }`. */
  perProvider?: Record<string, number>;
  /** Retries after the first attempt of a retryable failure (so `maxRetries + 1` attempts at most). */
  maxRetries: number;
  /** Backoff base: the delay before retry n is drawn uniformly from [0, min(maxDelayMs, baseDelayMs * 2^n)). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per-attempt timeout; the attempt's signal is aborted and it fails as `timeout`. 0 disables it. */
  requestTimeoutMs: number;
  /** Attempts (first tries and retries) the whole run may make. */
  maxCalls?: number;
  /**
   * Upper bound on a server's `Retry-After`, so one header cannot stall a run for an hour. Default 60 s.
   * A 429 with `Retry-After` also holds back new attempts to that provider for that long (calls in
   * flight go on), so a rate-limited endpoint is not hammered by the rest of the queue meanwhile.
   */
  maxRetryAfterMs?: number;
  /** Uniform [0, 1) source for jitter; injectable for tests. */
  random?: () => number;
  /** Resolves after `ms`, rejects promptly when `signal` aborts; injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** One model call: `attempt` counts from 0; `signal` aborts on cancellation or the per-attempt timeout. */
export type Task<T> = (attempt: number, signal: AbortSignal) => Promise<T>;

/** Counters for progress lines and the run summary. */
export interface SchedulerStats {
  /** Attempts started (first tries and retries). */
  calls: number;
  /** Attempts that were retries. */
  retries: number;
  /** `run` calls that resolved. */
  succeeded: number;
  /** `run` calls that rejected after their last attempt (not counting aborts and budget refusals). */
  failed: number;
  /** `run` calls refused because the budget was spent. */
  refused: number;
  /** Failed attempts by error kind; anything that is not a `ModelError` counts as `other`. */
  errorsByKind: Partial<Record<ModelErrorKind | 'other', number>>;
  inFlight: number;
  queued: number;
  /** Attempts the budget still allows, when there is one. */
  callsRemaining?: number;
}

export interface Scheduler {
  /** Runs `task` under the limits, retrying retryable `ModelError`s; rejects with the last error, an `aborted` ModelError, or `BudgetExceededError`. */
  run<T>(provider: string, task: Task<T>, signal?: AbortSignal): Promise<T>;
  stats(): SchedulerStats;
}

/** The call budget (`--max-calls`) is spent: no attempt was made for this call. */
export class BudgetExceededError extends Error {
  readonly maxCalls: number;
  constructor(maxCalls: number, options?: { cause?: unknown }) {
    super(`Call budget exhausted: --max-calls ${maxCalls} allows no further model calls`, options);
    this.name = 'BudgetExceeded';
    this.maxCalls = maxCalls;
  }
}

interface Waiter {
  provider: string;
  signal?: AbortSignal;
  resolve: () => void;
  reject: (error: unknown) => void;
  /** Set once it has been granted or abandoned, so a stale queue entry is skipped. */
  settled: boolean;
  unwatch?: () => void;
}

/** FIFO with O(1) push and shift (array plus head index, compacted lazily). */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

interface Lane {
  provider: string;
  limit: number;
  active: number;
  /** Live waiters (the queue may also hold abandoned ones until they reach its head). */
  waiting: number;
  queue: Fifo<Waiter>;
  /** `performance.now()` until which a 429's Retry-After holds back new attempts; 0 when open. */
  pausedUntil: number;
  /** Re-opens the lane for its waiters; armed only while some wait, so it never holds a process up idly. */
  resumeTimer?: ReturnType<typeof setTimeout>;
}

function abortedError(): ModelError {
  return new ModelError('aborted', 'Cancelled');
}

/** Default sleep: one timer, cleared when the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Creates a scheduler; see `SchedulerOptions`. */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const concurrency = positiveInt(options.concurrency, 'concurrency');
  const maxRetries = Math.max(0, Math.floor(options.maxRetries));
  const baseDelayMs = Math.max(0, options.baseDelayMs);
  const maxDelayMs = Math.max(baseDelayMs, options.maxDelayMs);
  const requestTimeoutMs = Math.max(0, options.requestTimeoutMs);
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const maxCalls = options.maxCalls;
  if (maxCalls !== undefined && !(Number.isInteger(maxCalls) && maxCalls >= 0)) {
    throw new RangeError(`maxCalls must be a non-negative integer, got ${maxCalls}`);
  }
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;

  // One listener per caller signal, however many calls share it (a run passes one signal to all).
  const watchers = new WeakMap<AbortSignal, Set<() => void>>();
  const onAbortOf = (signal: AbortSignal, fn: () => void): (() => void) => {
    let set = watchers.get(signal);
    if (!set) {
      const fresh = new Set<() => void>();
      set = fresh;
      watchers.set(signal, fresh);
      signal.addEventListener(
        'abort',
        () => {
          watchers.delete(signal);
          for (const f of fresh) f();
        },
        { once: true },
      );
    }
    set.add(fn);
    const owner = set;
    return () => void owner.delete(fn);
  };

  const lanes = new Map<string, Lane>();
  /** Lanes with waiters, in the order they should be served next (round robin). */
  const ready: Lane[] = [];
  let active = 0;
  let queued = 0;
  const stats = { calls: 0, retries: 0, succeeded: 0, failed: 0, refused: 0 };
  const errorsByKind: Partial<Record<ModelErrorKind | 'other', number>> = {};

  const lane = (provider: string): Lane => {
    let l = lanes.get(provider);
    if (!l) {
      const limit = options.perProvider?.[provider];
      l = { provider, limit: limit === undefined ? concurrency : positiveInt(limit, `perProvider.${provider}`), active: 0, waiting: 0, queue: new Fifo(), pausedUntil: 0 };
      lanes.set(provider, l);
    }
    return l;
  };

  const paused = (l: Lane): boolean => {
    if (l.pausedUntil === 0) return false;
    if (l.pausedUntil > performance.now()) return true;
    l.pausedUntil = 0;
    return false;
  };

  const armResume = (l: Lane): void => {
    if (l.resumeTimer !== undefined || l.pausedUntil === 0) return;
    l.resumeTimer = setTimeout(() => {
      l.resumeTimer = undefined;
      dispatch();
    }, Math.max(0, l.pausedUntil - performance.now()));
  };

  const disarmResume = (l: Lane): void => {
    if (l.resumeTimer === undefined) return;
    clearTimeout(l.resumeTimer);
    l.resumeTimer = undefined;
  };

  /** The server said when to come back: no new attempt goes to this provider before then. */
  const pause = (provider: string, ms: number): void => {
    const l = lanes.get(provider);
    if (!l) return;
    const until = performance.now() + Math.min(ms, maxRetryAfterMs);
    if (until <= l.pausedUntil) return;
    l.pausedUntil = until;
    disarmResume(l);
    if (l.waiting > 0) armResume(l);
  };

  const budgetSpent = (): boolean => maxCalls !== undefined && stats.calls >= maxCalls;

  /** Hands free slots to waiters: O(number of providers) per granted slot. */
  const dispatch = (): void => {
    let idle = 0;
    while (active < concurrency && ready.length > 0 && idle < ready.length) {
      const l = ready.shift()!;
      let waiter = l.queue.peek();
      while (waiter?.settled) {
        l.queue.shift();
        waiter = l.queue.peek();
      }
      if (!waiter) continue;
      if (l.active >= l.limit || paused(l)) {
        if (l.pausedUntil !== 0) armResume(l);
        ready.push(l);
        idle++;
        continue;
      }
      idle = 0;
      l.queue.shift();
      l.waiting--;
      queued--;
      waiter.settled = true;
      waiter.unwatch?.();
      l.active++;
      active++;
      if (l.queue.size > 0) ready.push(l);
      waiter.resolve();
    }
  };

  const acquire = (provider: string, signal?: AbortSignal): Promise<void> => {
    const l = lane(provider);
    if (active < concurrency && l.active < l.limit && l.waiting === 0 && !paused(l)) {
      l.active++;
      active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { provider, signal, resolve, reject, settled: false };
      if (signal) {
        waiter.unwatch = onAbortOf(signal, () => {
          if (waiter.settled) return;
          waiter.settled = true;
          l.waiting--;
          queued--;
          if (l.waiting === 0) disarmResume(l);
          reject(abortedError());
        });
      }
      if (l.queue.size === 0) ready.push(l);
      l.queue.push(waiter);
      l.waiting++;
      queued++;
      if (paused(l)) armResume(l);
      // Only tombstones may have stood in the way: serve now if there is room.
      else if (active < concurrency) dispatch();
    });
  };

  const release = (provider: string): void => {
    const l = lanes.get(provider)!;
    l.active--;
    active--;
    if (queued > 0) dispatch();
  };

  /** One attempt, raced against the caller's signal and the per-attempt timeout. */
  const attemptOnce = <T>(task: Task<T>, attempt: number, signal?: AbortSignal): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const controller = new AbortController();
      let done = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let unwatch: (() => void) | undefined;
      const finish = (): boolean => {
        if (done) return false;
        done = true;
        if (timer !== undefined) clearTimeout(timer);
        unwatch?.();
        return true;
      };
      const onAbort = (): void => {
        if (!finish()) return;
        controller.abort();
        reject(abortedError());
      };
      if (requestTimeoutMs > 0) {
        timer = setTimeout(() => {
          if (!finish()) return;
          controller.abort();
          reject(new ModelError('timeout', `No answer within the request timeout of ${requestTimeoutMs} ms`));
        }, requestTimeoutMs);
      }
      if (signal) unwatch = onAbortOf(signal, onAbort);
      let pending: Promise<T>;
      try {
        pending = task(attempt, controller.signal);
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(
        (value) => {
          if (finish()) resolve(value);
        },
        (error: unknown) => {
          if (finish()) reject(error);
        },
      );
    });

  const delayFor = (error: ModelError, retry: number): number => {
    if (error.kind === 'rate-limit' && error.retryAfterMs !== undefined) {
      // Honour the server, plus a little jitter so rejected calls do not return in lock-step.
      const wait = Math.min(error.retryAfterMs, maxRetryAfterMs);
      return wait + random() * Math.min(baseDelayMs, wait * 0.25 + 1);
    }
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** retry);
    return random() * ceiling;
  };

  const count = (error: unknown): void => {
    const kind = error instanceof ModelError ? error.kind : 'other';
    errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
  };

  const run = async <T>(provider: string, task: Task<T>, signal?: AbortSignal): Promise<T> => {
    if (signal?.aborted) throw abortedError();
    if (budgetSpent()) {
      stats.refused++;
      throw new BudgetExceededError(maxCalls!);
    }
    let lastError: unknown;
    for (let attempt = 0; ; attempt++) {
      await acquire(provider, signal);
      if (budgetSpent()) {
        release(provider);
        stats.refused++;
        throw new BudgetExceededError(maxCalls!, { cause: lastError });
      }
      stats.calls++;
      if (attempt > 0) stats.retries++;
      try {
        const value = await attemptOnce(task, attempt, signal);
        release(provider);
        stats.succeeded++;
        return value;
      } catch (error) {
        // Before the slot goes to the next caller, so a 429 holds back the provider's queue at once.
        if (error instanceof ModelError && error.kind === 'rate-limit' && error.retryAfterMs !== undefined) pause(provider, error.retryAfterMs);
        release(provider);
        if (signal?.aborted) throw abortedError();
        count(error);
        lastError = error;
        if (!(error instanceof ModelError) || !error.retryable || attempt >= maxRetries) {
          stats.failed++;
          throw error;
        }
        const delay = delayFor(error, attempt);
        if (signal) {
          // A sleep-local signal fed from the shared registry: no listener piles up on the caller's signal.
          const sleeper = new AbortController();
          const unwatch = onAbortOf(signal, () => sleeper.abort());
          try {
            await sleep(delay, sleeper.signal);
          } finally {
            unwatch();
          }
        } else await sleep(delay);
        if (signal?.aborted) throw abortedError();
      }
    }
  };

  return {
    run,
    stats: () => ({
      ...stats,
      errorsByKind: { ...errorsByKind },
      inFlight: active,
      queued,
      ...(maxCalls !== undefined ? { callsRemaining: Math.max(0, maxCalls - stats.calls) } : {}),
    }),
  };
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
