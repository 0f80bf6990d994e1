import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ModelError } from '../../../src/core/models/chatModel';
import { OpenAICompatibleModel } from '../../../src/core/models/openaiModel';
import type { Scheduler, SchedulerOptions } from '../../../src/core/run/scheduler';
import { BudgetExceededError, createScheduler } from '../../../src/core/run/scheduler';
import type { TestServer } from '../../support/openaiServer';
import { startTestServer } from '../../support/openaiServer';
import { bound } from '../../support/slowdown';

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const defaults: SchedulerOptions = { concurrency: 4, maxRetries: 3, baseDelayMs: 5, maxDelayMs: 50, requestTimeoutMs: 0 };

/** A task that tracks how many copies run at once. */
function gauge(): { task: (ms: number) => () => Promise<void>; peak: () => number } {
  let now = 0;
  let peak = 0;
  return {
    task: (ms) => async () => {
      now++;
      peak = Math.max(peak, now);
      await wait(ms);
      now--;
    },
    peak: () => peak,
  };
}

async function settleAll<T>(ps: Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(ps);
}

describe('scheduler: limits', () => {
  it('never runs more than the global limit at once, and runs that many', async () => {
    const s = createScheduler({ ...defaults, concurrency: 5 });
    const g = gauge();
    await Promise.all(Array.from({ length: 40 }, () => s.run('a', g.task(5))));
    assert.equal(g.peak(), 5);
    assert.equal(s.stats().calls, 40);
    assert.equal(s.stats().inFlight, 0);
    assert.equal(s.stats().queued, 0);
  });

  it('applies a per-provider limit without blocking other providers', async () => {
    const s = createScheduler({ ...defaults, concurrency: 6, perProvider: { slow: 2 } });
    const slow = gauge();
    const fast = gauge();
    const all = gauge();
    const both = (g: ReturnType<typeof gauge>) => async () => {
      await Promise.all([g.task(10)(), all.task(10)()]);
    };
    const jobs = [
      ...Array.from({ length: 12 }, () => s.run('slow', both(slow))),
      ...Array.from({ length: 12 }, () => s.run('fast', both(fast))),
    ];
    await Promise.all(jobs);
    assert.equal(slow.peak(), 2);
    assert.ok(fast.peak() >= 4, 'the other provider fills the remaining global slots');
    assert.equal(all.peak(), 6);
  });

  it('serves waiting calls in FIFO order within a provider', async () => {
    const s = createScheduler({ ...defaults, concurrency: 1 });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => s.run('a', async () => void order.push(i))));
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('does not hold a slot during a backoff sleep', async () => {
    const s = createScheduler({ ...defaults, concurrency: 1, baseDelayMs: 80, maxDelayMs: 80, random: () => 0.99 });
    const events: string[] = [];
    const flaky = s.run('a', async (attempt) => {
      events.push(`flaky:${attempt}`);
      if (attempt === 0) throw new ModelError('server', '500');
    });
    await wait(5);
    const other = s.run('a', async () => void events.push('other'));
    await Promise.all([flaky, other]);
    assert.deepEqual(events, ['flaky:0', 'other', 'flaky:1']);
  });
});

describe('scheduler: retries', () => {
  it('retries retryable errors up to maxRetries, then throws the last ModelError', async () => {
    const s = createScheduler({ ...defaults, maxRetries: 3 });
    let attempts = 0;
    await assert.rejects(
      s.run('a', async () => {
        attempts++;
        throw new ModelError('server', `boom ${attempts}`, { status: 500 });
      }),
      (e: unknown) => e instanceof ModelError && e.kind === 'server' && e.message === 'boom 4',
    );
    assert.equal(attempts, 4);
    const st = s.stats();
    assert.equal(st.calls, 4);
    assert.equal(st.retries, 3);
    assert.equal(st.failed, 1);
    assert.equal(st.errorsByKind.server, 4);
  });

  it('does not retry auth, not-found, bad-request or foreign errors', async () => {
    const s = createScheduler(defaults);
    for (const kind of ['auth', 'not-found', 'bad-request'] as const) {
      let n = 0;
      await assert.rejects(s.run('a', async () => {
        n++;
        throw new ModelError(kind, kind);
      }));
      assert.equal(n, 1, kind);
    }
    let n = 0;
    await assert.rejects(s.run('a', async () => {
      n++;
      throw new TypeError('bug');
    }), TypeError);
    assert.equal(n, 1);
    assert.equal(s.stats().errorsByKind.other, 1);
  });

  it('backs off exponentially with full jitter, capped at maxDelayMs', async () => {
    const sleeps: number[] = [];
    const s = createScheduler({
      ...defaults,
      maxRetries: 6,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      random: () => 0.5,
      sleep: async (ms) => void sleeps.push(ms),
    });
    await assert.rejects(s.run('a', async () => {
      throw new ModelError('network', 'reset');
    }));
    // Full jitter: uniform in [0, min(max, base * 2^n)), here at the midpoint.
    assert.deepEqual(sleeps, [50, 100, 200, 400, 500, 500]);
  });

  it('honours Retry-After on 429 (capped by maxRetryAfterMs) and adds only a little jitter', async () => {
    const sleeps: number[] = [];
    const s = createScheduler({ ...defaults, baseDelayMs: 100, maxRetryAfterMs: 5000, random: () => 1 - Number.EPSILON, sleep: async (ms) => void sleeps.push(ms) });
    let n = 0;
    await s.run('a', async () => {
      n++;
      if (n === 1) throw new ModelError('rate-limit', '429', { retryAfterMs: 2000 });
      if (n === 2) throw new ModelError('rate-limit', '429', { retryAfterMs: 3_600_000 });
    });
    assert.equal(sleeps.length, 2);
    assert.ok(sleeps[0]! >= 2000 && sleeps[0]! <= 2100, `first wait ${sleeps[0]}`);
    assert.ok(sleeps[1]! >= 5000 && sleeps[1]! <= 5100, `capped wait ${sleeps[1]}`);
  });

  it('times out an attempt that never settles, aborting its signal', async () => {
    const s = createScheduler({ ...defaults, maxRetries: 1, requestTimeoutMs: 40 });
    const signals: AbortSignal[] = [];
    const t0 = Date.now();
    await assert.rejects(
      s.run('a', (_attempt, signal) => {
        signals.push(signal);
        return new Promise<void>(() => undefined);
      }),
      (e: unknown) => e instanceof ModelError && e.kind === 'timeout',
    );
    const elapsed = Date.now() - t0;
    assert.equal(signals.length, 2);
    assert.ok(signals.every((sig) => sig.aborted));
    assert.ok(elapsed >= 80 && elapsed < bound(400), `${elapsed} ms`);
  });
});

describe('scheduler: Retry-After holds back the provider', () => {
  it('starts no new attempt for that provider until Retry-After has passed; others go on', async () => {
    const s = createScheduler({ ...defaults, concurrency: 4, baseDelayMs: 1 });
    const starts: { name: string; at: number }[] = [];
    const t0 = performance.now();
    const job = (name: string, provider = 'a', fail = false) =>
      s.run(provider, async (attempt) => {
        starts.push({ name: `${name}#${attempt}`, at: performance.now() - t0 });
        if (fail && attempt === 0) throw new ModelError('rate-limit', '429', { retryAfterMs: 150 });
        await wait(10);
      });
    const limited = job('limited', 'a', true);
    await wait(5);
    const rest = [job('a1'), job('a2'), job('b1', 'b')];
    await Promise.all([limited, ...rest]);
    const at = (name: string): number => starts.find((x) => x.name === name)!.at;
    assert.ok(at('a1#0') >= 145 && at('a2#0') >= 145, JSON.stringify(starts));
    assert.ok(at('b1#0') < 50, 'another provider is not held back');
    assert.ok(at('limited#1') >= 150);
  });

  it('does not keep a pause timer alive once nobody waits', async () => {
    const s = createScheduler({ ...defaults, maxRetries: 0 });
    await assert.rejects(s.run('a', async () => {
      throw new ModelError('rate-limit', '429', { retryAfterMs: 30_000 });
    }));
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const gone = new AbortController();
    const waiting = s.run('a', async () => 1, gone.signal);
    assert.equal(timers(), before + 1, 'a waiter arms the resume timer');
    gone.abort();
    await assert.rejects(waiting);
    assert.equal(s.stats().queued, 0);
    assert.equal(timers(), before, 'the last waiter leaving disarms it');
  });
});

describe('scheduler: budget', () => {
  it('refuses calls once maxCalls attempts are spent, counting nothing for them', async () => {
    const s = createScheduler({ ...defaults, maxCalls: 10 });
    let ran = 0;
    const results = await settleAll(Array.from({ length: 25 }, () => s.run('a', async () => void ran++)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 10);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(refused.length, 15);
    assert.ok(refused.every((r) => r.reason instanceof BudgetExceededError && /max-calls 10/.test(r.reason.message)));
    assert.equal(ran, 10);
    assert.equal(s.stats().calls, 10);
    assert.equal(s.stats().refused, 15);
    assert.equal(s.stats().callsRemaining, 0);
    await assert.rejects(s.run('a', async () => void ran++), BudgetExceededError);
    assert.equal(ran, 10);
  });

  it('counts retries against the budget and keeps the last error as the cause', async () => {
    const s = createScheduler({ ...defaults, maxRetries: 9, maxCalls: 3 });
    await assert.rejects(
      s.run('a', async () => {
        throw new ModelError('server', '500');
      }),
      (e: unknown) => e instanceof BudgetExceededError && e.cause instanceof ModelError && e.cause.kind === 'server',
    );
    assert.equal(s.stats().calls, 3);
  });
});

describe('scheduler: cancellation', () => {
  it('rejects queued, sleeping and in-flight calls promptly and aborts the in-flight ones', async () => {
    const s = createScheduler({ ...defaults, concurrency: 2, maxRetries: 5 });
    const controller = new AbortController();
    const inflightSignals: AbortSignal[] = [];
    const hang = (_a: number, signal: AbortSignal): Promise<void> => {
      inflightSignals.push(signal);
      return new Promise(() => undefined);
    };
    const jobs = [
      s.run('a', hang, controller.signal),
      s.run('b', async () => {
        throw new ModelError('rate-limit', '429', { retryAfterMs: 10_000 });
      }, controller.signal),
      ...Array.from({ length: 20 }, () => s.run('a', hang, controller.signal)),
    ];
    await wait(20);
    assert.equal(s.stats().inFlight, 2);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 1, 'one listener however many calls share the signal');
    const t0 = Date.now();
    controller.abort();
    const results = await settleAll(jobs);
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < bound(200), `cancellation took ${elapsed} ms`);
    assert.ok(results.every((r) => r.status === 'rejected' && r.reason instanceof ModelError && r.reason.kind === 'aborted'));
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0, 'every per-call listener was removed');
    assert.ok(inflightSignals.length >= 2 && inflightSignals.every((sig) => sig.aborted));
    assert.equal(s.stats().inFlight, 0);
    assert.equal(s.stats().queued, 0);
    await assert.rejects(s.run('a', async () => 1, controller.signal), (e: unknown) => e instanceof ModelError && e.kind === 'aborted');
  });

  it('keeps serving other callers after some queued callers abandoned', async () => {
    const s = createScheduler({ ...defaults, concurrency: 1 });
    const gone = new AbortController();
    const first = s.run('a', () => wait(20));
    const abandoned = Array.from({ length: 5 }, () => s.run('a', () => wait(1), gone.signal));
    gone.abort();
    await settleAll(abandoned);
    await first;
    assert.equal(await s.run('a', async () => 'served'), 'served');
  });
});

describe('scheduler + adapter against the test server', function () {
  this.timeout(30_000);
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ respondent: (req) => `answer:${req.messages.at(-1)?.content ?? ''}` });
  });
  afterEach(async () => server.stop());

  const call = (s: Scheduler, model: OpenAICompatibleModel, content: string, signal?: AbortSignal, attempts?: Map<string, number>) =>
    s.run(
      'test',
      (attempt, sig) => {
        attempts?.set(content, attempt + 1);
        return model.complete({ messages: [{ role: 'user', content }], signal: sig });
      },
      signal,
    );

  it('waits at least Retry-After between a 429 and its retry', async () => {
    server.setFaults({ script: ['429', 'ok'], retryAfterS: 0.3 });
    const m = new OpenAICompatibleModel({ provider: 'test', model: 'm', baseUrl: server.url });
    const starts: number[] = [];
    const s = createScheduler({ ...defaults, baseDelayMs: 20 });
    const res = await s.run('test', (_a, sig) => {
      starts.push(performance.now());
      return m.complete({ messages: [{ role: 'user', content: 'q' }], signal: sig });
    });
    assert.equal(res.text, 'answer:q');
    assert.equal(starts.length, 2);
    const gap = starts[1]! - starts[0]!;
    assert.ok(gap >= 300 && gap < bound(1000), `gap ${gap.toFixed(0)} ms`);
  });

  it('gets through a 429 storm with bounded retries', async () => {
    // The first 40 requests are all refused, then a third of them at random.
    server.setFaults({ script: Array(40).fill('429'), rate429: 0.33, retryAfterS: 0.02, seed: 7, latencyMs: 1 });
    const m = new OpenAICompatibleModel({ provider: 'test', model: 'm', baseUrl: server.url });
    const s = createScheduler({ concurrency: 16, maxRetries: 12, baseDelayMs: 10, maxDelayMs: 100, requestTimeoutMs: 5000 });
    const attempts = new Map<string, number>();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => call(s, m, `q${i}`, undefined, attempts)));
    assert.equal(results.length, 200);
    results.forEach((r, i) => assert.equal(r.text, `answer:q${i}`));
    const st = s.stats();
    assert.equal(server.requests.length, st.calls);
    assert.ok(st.errorsByKind['rate-limit']! >= 40);
    assert.ok(Math.max(...attempts.values()) <= 13);
    assert.equal(st.calls, 200 + st.retries);
  });

  it('ends every one of 500 calls under 20% faults complete or explicitly failed, none lost or duplicated', async () => {
    server.setFaults({ rate429: 0.05, retryAfterS: 0.01, rate500: 0.05, rateHang: 0.03, rateDrop: 0.04, rateMalformed: 0.03, seed: 2024, latencyMs: 2, jitterMs: 3 });
    const m = new OpenAICompatibleModel({ provider: 'test', model: 'm', baseUrl: server.url });
    // the timeout catches the injected hangs; stretched so that a loaded machine's slow answers are not taken for them
    const s = createScheduler({ concurrency: 16, maxRetries: 2, baseDelayMs: 5, maxDelayMs: 40, requestTimeoutMs: bound(250) });
    await m.complete({ messages: [{ role: 'user', content: 'warm-up' }] }).catch(() => undefined);
    server.requests.splice(0);
    const attempts = new Map<string, number>();
    const ids = Array.from({ length: 500 }, (_, i) => `call-${i}`);
    const results = await settleAll(ids.map((id) => call(s, m, id, undefined, attempts)));

    const failedKinds = new Set<string>();
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') assert.equal(r.value.text, `answer:${ids[i]}`);
      else {
        assert.ok(r.reason instanceof ModelError && r.reason.retryable, String(r.reason));
        assert.equal(attempts.get(ids[i]!), 3, 'a failure comes only after all its retries');
        failedKinds.add(r.reason.kind);
      }
    });
    // The server's log against the client's account: every call arrived, and never more often than it was
    // attempted. An attempt may be missing from the server's log only if it failed on the client's side
    // before its request was written (a timeout or a connection failure on a loaded machine).
    const seen = new Map<string, number>();
    for (const req of server.requests) {
      const id = req.messages.at(-1)!.content;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    assert.equal(seen.size, 500);
    for (const id of ids) assert.ok(seen.get(id)! <= attempts.get(id)!, `${id}: server saw ${seen.get(id)}, client attempted ${attempts.get(id)}`);
    const st = s.stats();
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    assert.equal(ok + st.failed, 500);
    assert.equal(st.succeeded, ok);
    assert.ok(server.requests.length <= st.calls);
    assert.ok(server.requests.length >= st.calls - (st.errorsByKind.timeout ?? 0) - (st.errorsByKind.network ?? 0));
    for (const kind of ['rate-limit', 'server', 'timeout', 'network', 'malformed'] as const) {
      assert.ok((st.errorsByKind[kind] ?? 0) > 0, `no ${kind} fault was seen`);
    }
    assert.ok(ok >= 480, `only ${ok} succeeded`);
  });

  it('cancels a running batch in under 200 ms, aborting the HTTP requests in flight', async () => {
    server.setFaults({ latencyMs: 10_000 });
    const m = new OpenAICompatibleModel({ provider: 'test', model: 'm', baseUrl: server.url });
    const s = createScheduler({ concurrency: 8, maxRetries: 2, baseDelayMs: 5, maxDelayMs: 40, requestTimeoutMs: 60_000 });
    const controller = new AbortController();
    const jobs = Array.from({ length: 100 }, (_, i) => call(s, m, `c${i}`, controller.signal));
    while (server.requests.length < 8) await wait(5);
    const t0 = performance.now();
    controller.abort();
    const results = await settleAll(jobs);
    const elapsed = performance.now() - t0;
    assert.ok(elapsed < bound(200), `took ${elapsed.toFixed(0)} ms`);
    assert.ok(results.every((r) => r.status === 'rejected' && r.reason instanceof ModelError && r.reason.kind === 'aborted'));
    assert.equal(server.requests.length, 8, 'queued calls never reached the server');
    assert.equal(s.stats().calls, 8);
  });

  it('closes the aborted requests on the wire: the server sees every in-flight connection end', async () => {
    const open = new Set<http.IncomingMessage>();
    let closed = 0;
    const silent = http.createServer((req) => {
      open.add(req);
      req.on('close', () => {
        open.delete(req);
        closed++;
      });
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const m = new OpenAICompatibleModel({ provider: 'test', model: 'm', baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1` });
      const s = createScheduler({ concurrency: 6, maxRetries: 0, baseDelayMs: 5, maxDelayMs: 40, requestTimeoutMs: 60_000 });
      const controller = new AbortController();
      const jobs = Array.from({ length: 20 }, (_, i) => call(s, m, `w${i}`, controller.signal));
      while (open.size < 6) await wait(5);
      controller.abort();
      await settleAll(jobs);
      const t0 = performance.now();
      while (closed < 6 && performance.now() - t0 < bound(200)) await wait(5);
      assert.equal(closed, 6, 'each in-flight request was torn down');
      assert.equal(open.size, 0);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });

  it('stops at the budget: the server sees exactly maxCalls requests', async () => {
    const m = new OpenAICompatibleModel({ provider: 'test', model: 'm', baseUrl: server.url });
    const s = createScheduler({ ...defaults, maxCalls: 7 });
    const results = await settleAll(Array.from({ length: 12 }, (_, i) => call(s, m, `b${i}`)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 7);
    assert.equal(results.filter((r) => r.status === 'rejected' && r.reason instanceof BudgetExceededError).length, 5);
    assert.equal(server.requests.length, 7);
  });
});
