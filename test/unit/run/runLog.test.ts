import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUN_LOG_VERSION, sessionKey, type RunHeader, type SessionRecord } from '../../../src/core/run/record';
import { isValidRunId, newRunId, readRunLog, RunLogError, runLogPath, RunLogWriter } from '../../../src/core/run/runLog';

const header: RunHeader = { v: RUN_LOG_VERSION, kind: 'run', runId: 'r1', scenario: 'demo', file: 'demo.dilemma.yaml', scenarioHash: 'abc', models: ['sim/a'], variants: ['baseline'], personas: 1, samples: 50, startedAt: '2026-01-01T00:00:00.000Z' };
function record(sample: number): SessionRecord {
  return { v: RUN_LOG_VERSION, kind: 'session', runId: 'r1', scenario: 'demo', key: sessionKey('sim/a', 'baseline', 0, sample), model: 'sim/a', variant: 'baseline', persona: 0, sample, status: 'complete', items: [{ item: 'p.1', value: 'p', status: 'ok', answer: 3, raw: 'três "3"\n', latencyMs: 1 }], latencyMs: 2, usage: { promptTokens: 1, completionTokens: 1 }, startedAt: 'x', finishedAt: 'y' };
}

describe('runLog', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-log-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a header then one line per record, and reads them back in order', async () => {
    const file = runLogPath(dir, 'demo', 'r1');
    assert.equal(file, path.join(dir, 'demo', 'r1.jsonl'));
    const w = await RunLogWriter.create(file, header);
    await Promise.all(Array.from({ length: 50 }, (_, i) => w.append(record(i))));
    await w.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.length, 52);
    assert.equal(lines[51], '');
    const log = await readRunLog(file);
    assert.deepEqual(log.header, header);
    assert.deepEqual(log.sessions.map((s) => s.sample), Array.from({ length: 50 }, (_, i) => i));
    assert.deepEqual(log.sessions[7], record(7));
    assert.equal(log.torn, false);
  });

  it('refuses to overwrite an existing run', async () => {
    const file = runLogPath(dir, 'demo', 'r1');
    await (await RunLogWriter.create(file, header)).close();
    await assert.rejects(RunLogWriter.create(file, header), /EEXIST/);
  });

  it('tolerates a torn last line, and a reopen cuts it so the next record starts clean', async () => {
    const file = runLogPath(dir, 'demo', 'r1');
    const w = await RunLogWriter.create(file, header);
    await w.append(record(0));
    await w.append(record(1));
    await w.close();
    const whole = fs.readFileSync(file, 'utf8');
    fs.appendFileSync(file, JSON.stringify(record(2)).slice(0, 40));
    const log = await readRunLog(file);
    assert.equal(log.torn, true);
    assert.deepEqual(log.sessions.map((s) => s.sample), [0, 1]);
    assert.equal(log.completeBytes, Buffer.byteLength(whole));
    const w2 = await RunLogWriter.reopen(file, log.completeBytes);
    await w2.append(record(2));
    await w2.close();
    const again = await readRunLog(file);
    assert.equal(again.torn, false);
    assert.deepEqual(again.sessions.map((s) => s.sample), [0, 1, 2]);
  });

  it('names the line of a corrupt record that is not the last one', async () => {
    const file = runLogPath(dir, 'demo', 'r1');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, [JSON.stringify(header), JSON.stringify(record(0)), '{not json', JSON.stringify(record(1)), ''].join('\n'));
    await assert.rejects(readRunLog(file), (e: unknown) => e instanceof RunLogError && e.line === 3 && e.message.startsWith(`${file}:3:`));
    fs.writeFileSync(file, `${JSON.stringify(record(0))}\n`);
    await assert.rejects(readRunLog(file), (e: unknown) => e instanceof RunLogError && e.line === 1 && /before the run header/.test(e.message));
    fs.writeFileSync(file, '');
    await assert.rejects(readRunLog(file), /no run header/);
    await assert.rejects(readRunLog(path.join(dir, 'nope.jsonl')), /ENOENT/);
  });

  it('makes unique, file-safe run ids and rejects path-like ones', () => {
    const a = newRunId(new Date('2026-11-27T02:15:03Z'));
    assert.match(a, /^20261127-021503-[0-9a-f]{6}$/);
    assert.notEqual(newRunId(), newRunId());
    assert.ok(isValidRunId(a));
    for (const bad of ['../x', 'a/b', '', '.hidden', 'a..b']) assert.equal(isValidRunId(bad), false, bad);
  });
});
