import * as assert from 'node:assert/strict';
import { inShard, MAX_SHARDS, parseShard, ShardError, shardOfKey, shardPlanned } from '../../../src/core/run/shard';
import { planSessions } from '../../../src/core/run/plan';
import { mergeShardLogs, MergeInputError, mergedLogText, type MergeInput } from '../../../src/core/run/merge';
import { RUN_LOG_VERSION, sessionKey, type RunHeader, type SessionRecord } from '../../../src/core/run/record';

const SHAPE = { models: ['lab/a', 'lab/b'], variants: ['baseline', 'pharma', 'insurer'], personas: 3, samples: 20 };
const keys = [...planSessions(SHAPE)].map((s) => s.key);

describe('shards: the partition of a plan (run/shard.ts)', () => {
  it('parses I/N and refuses what is not a shard, naming the problem', () => {
    assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
    assert.deepEqual(parseShard(' 1 / 1 '), { index: 1, count: 1 });
    for (const [bad, re] of [['0/4', /from 1 to 4/], ['5/4', /from 1 to 4/], ['2', /written I\/N/], ['a/b', /written I\/N/], ['1/0', /from 1 to 1000/], [`1/${MAX_SHARDS + 1}`, /from 1 to 1000/], ['-1/4', /written I\/N/]] as const)
      assert.throws(() => parseShard(bad), (e: unknown) => e instanceof ShardError && re.test(e.message), bad);
  });

  it('is the first 32 bits of the sha256 of the key modulo N, plus one: the same on every machine', () => {
    // `printf 'lab/sim|baseline|0|0' | sha256sum` = 84ccbdfc...; 0x84ccbdfc = 2228010492.
    // 2228010492 mod 4 = 0 -> shard 1; mod 3 = 0 (2+2+2+8+0+1+0+4+9+2 = 30) -> shard 1; mod 5 = 2 -> shard 3; mod 7 = 2228010492 - 7*318287213 = 1 -> shard 2.
    const key = sessionKey('lab/sim', 'baseline', 0, 0);
    assert.equal(shardOfKey(key, 4), 1);
    assert.equal(shardOfKey(key, 3), 1);
    assert.equal(shardOfKey(key, 5), 3);
    assert.equal(shardOfKey(key, 7), 2);
  });

  it('puts every session of the plan in exactly one shard, whatever the order the keys come in', () => {
    for (const n of [1, 2, 4, 7]) {
      const counts = new Array<number>(n).fill(0);
      for (const k of keys) {
        const owners = Array.from({ length: n }, (_, i) => i + 1).filter((i) => inShard(k, { index: i, count: n }));
        assert.equal(owners.length, 1, `${k} in ${owners.length} of ${n} shards`);
        counts[owners[0]! - 1]!++;
      }
      assert.equal(counts.reduce((a, b) => a + b, 0), keys.length);
      // Stable: the same shard from the reversed plan, and shardPlanned counts the same sessions.
      const reversed = [...keys].reverse().filter((k) => inShard(k, { index: 1, count: n }));
      assert.deepEqual(reversed.reverse(), keys.filter((k) => inShard(k, { index: 1, count: n })));
      for (let i = 1; i <= n; i++) assert.equal(shardPlanned(SHAPE, { index: i, count: n }), counts[i - 1]);
      // 360 sessions over n shards: each shard's count is Binomial(360, 1/n); 6 standard deviations is a wide net.
      const sd = Math.sqrt((keys.length * (n - 1)) / (n * n));
      for (const c of counts) assert.ok(Math.abs(c - keys.length / n) <= 6 * sd + 1e-9, `shard sizes ${counts.join(', ')}`);
    }
  });
});

describe('shards: merging the logs (run/merge.ts)', () => {
  const PLAN = { models: ['lab/a'], variants: ['baseline', 'pharma'], personas: 1, samples: 6 };
  const header = (index: number, count: number, over: Partial<RunHeader> = {}): RunHeader => ({
    v: RUN_LOG_VERSION, kind: 'run', runId: `r${index}`, scenario: 'demo', file: 'demo.dilemma.yaml', scenarioHash: 'abc', ...PLAN, shard: { index, count }, startedAt: `2026-12-02T10:0${index}:00.000Z`, ...over,
  });
  const session = (key: string, runId: string): SessionRecord => {
    const [model, variant, persona, sample] = key.split('|');
    return { v: RUN_LOG_VERSION, kind: 'session', runId, scenario: 'demo', key, model: model!, variant: variant!, persona: Number(persona), sample: Number(sample), status: 'complete', items: [], latencyMs: 1, usage: { promptTokens: 1, completionTokens: 1 }, startedAt: 'x', finishedAt: 'y' };
  };
  const all = [...planSessions(PLAN)].map((s) => s.key);
  const shardLog = (index: number, count: number, drop = 0, over: Partial<RunHeader> = {}): MergeInput => {
    const mine = all.filter((k) => inShard(k, { index, count })).slice(drop);
    return { file: `s${index}.jsonl`, log: { header: header(index, count, over), sessions: mine.map((k) => session(k, `r${index}`)), torn: false, completeBytes: 0, end: { v: RUN_LOG_VERSION, kind: 'end', runId: `r${index}`, outcome: 'done', planned: mine.length, sessions: mine.length, finishedAt: `2026-12-02T11:0${index}:00.000Z` } } };
  };

  it('joins the shards into one complete run: every session once, under the new run id, with an end record', () => {
    const m = mergeShardLogs([shardLog(3, 3), shardLog(1, 3), shardLog(2, 3)], 'merged-1');
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.sessions.map((s) => s.key).sort(), [...all].sort());
    assert.ok(m.sessions.every((s) => s.runId === 'merged-1'));
    assert.equal(m.header.shard, undefined);
    assert.deepEqual(m.header.merged, { shards: 3, runs: ['r3', 'r1', 'r2'] });
    assert.equal(m.header.startedAt, '2026-12-02T10:01:00.000Z', 'the earliest start');
    assert.deepEqual({ ...m.end }, { v: 1, kind: 'end', runId: 'merged-1', outcome: 'done', planned: 12, sessions: 12, finishedAt: '2026-12-02T11:03:00.000Z' });
    const lines = mergedLogText(m).trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string });
    assert.deepEqual([lines[0]!.kind, lines.at(-1)!.kind, lines.length], ['run', 'end', 14]);
  });

  it('reports a missing shard, a shard given twice, a session in two logs and an unfinished shard, and writes no end record', () => {
    const m = mergeShardLogs([shardLog(1, 4), shardLog(1, 4), shardLog(2, 4, 1)], 'm');
    const text = m.problems.join('\n');
    assert.match(text, /shard 1\/4 is given twice: s1\.jsonl and s1\.jsonl/);
    assert.match(text, /missing shards 3\/4, 4\/4 \(of 4\)/);
    assert.match(text, /s2\.jsonl \(shard 2\/4, run r2\): 1 of its \d+ sessions are not in the log; finish it with dilemma run --shard 2\/4 --resume r2/);
    assert.equal(m.end, undefined);
    assert.equal(new Set(m.sessions.map((s) => s.key)).size, m.sessions.length, 'no session twice');
    const dup = { ...shardLog(2, 4), file: 'copy.jsonl' };
    const m2 = mergeShardLogs([shardLog(2, 4), { file: 'other.jsonl', log: { ...dup.log, header: header(1, 4), sessions: dup.log.sessions } }], 'm');
    assert.match(m2.problems.join('\n'), /session\(s\) are in two logs, kept once: lab\/a\|/);
    const m3 = mergeShardLogs([{ file: 'other.jsonl', log: { ...dup.log, header: header(1, 4), sessions: dup.log.sessions } }], 'm');
    assert.match(m3.problems.join('\n'), new RegExp(`other\\.jsonl: ${dup.log.sessions.length} session\\(s\\) are not of shard 1/4`));
  });

  it('refuses inputs that are not shards of one plan, naming the file', () => {
    const bad = (inputs: MergeInput[], re: RegExp) => assert.throws(() => mergeShardLogs(inputs, 'm'), (e: unknown) => e instanceof MergeInputError && re.test(e.message));
    const { shard: _s, ...plain } = header(1, 2);
    bad([shardLog(1, 2), { file: 'whole.jsonl', log: { ...shardLog(2, 2).log, header: plain } }], /^whole\.jsonl: not a shard log/);
    bad([shardLog(1, 2), { ...shardLog(2, 2, 0, { scenarioHash: 'def' }), file: 'edited.jsonl' }], /^edited\.jsonl: the scenario text differs from that of s1\.jsonl/);
    bad([shardLog(1, 2), shardLog(2, 3)], /^s2\.jsonl: not the same number of shards as s1\.jsonl \(3 here, 2 there\)/);
    bad([shardLog(1, 2), shardLog(2, 2, 0, { samples: 5 })], /^s2\.jsonl: not the same samples as s1\.jsonl \(5 here, 6 there\)/);
    bad([shardLog(1, 2), shardLog(2, 2, 0, { models: ['lab/b'] })], /^s2\.jsonl: not the same models/);
    bad([], /no run logs/);
  });
});
