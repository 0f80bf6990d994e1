import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scaleSchema } from '../../../src/core/run/prompts';
import { checkScenario } from '../../../src/core/scenario/validate';
import { parseScenario } from '../../../src/core/scenario/parse';
import { MAX_SCALE_POINTS } from '../../../src/core/scenario/model';
import { startTestServer, type TestServer } from '../../support/openaiServer';
import { scenarioRespondent } from '../../support/respondent';
import { cliWorkspace } from '../../support/cliWorkspace';
import { repoPath } from '../../support/paths';

const FIXTURE = repoPath('test', 'fixtures', 'invalid', 'wide-scale.dilemma.yaml');

describe('wide scales (issue 11 §1)', function () {
  this.timeout(120_000);

  it('a short scale lists its values; a wider one is bounded by minimum/maximum, so the schema stays small', () => {
    assert.deepEqual(scaleSchema({ min: 1, max: 7 }).schema, {
      type: 'object', properties: { answer: { type: 'integer', enum: [1, 2, 3, 4, 5, 6, 7] } }, required: ['answer'], additionalProperties: false,
    });
    // 0..100 is 101 points: still listed.
    assert.equal((scaleSchema({ min: 0, max: 100 }).schema.properties as { answer: { enum: number[] } }).answer.enum.length, MAX_SCALE_POINTS);
    assert.deepEqual(scaleSchema({ min: 0, max: 101 }).schema.properties, { answer: { type: 'integer', minimum: 0, maximum: 101 } });
    // With 1..1e6 the old enum made a 6.9 MB schema per question; 1..1e9 ran the process out of memory.
    for (const max of [1e6, 1e9, Number.MAX_SAFE_INTEGER]) {
      const size = JSON.stringify(scaleSchema({ min: 1, max })).length;
      assert.ok(size < 300, `schema for 1..${max} is ${size} characters`);
    }
  });

  it('validate warns at the scale\'s max with the reason and the number of points', () => {
    const text = fs.readFileSync(FIXTURE, 'utf8');
    const { problems } = checkScenario(text);
    assert.deepEqual(problems.map((p) => [p.code, p.severity]), [['wide-scale', 'warning']]);
    const p = problems[0]!;
    assert.equal(text.slice(p.range.start, p.range.end), '1000000000');
    assert.match(p.message, /1,000,000,000 points/);
    assert.match(p.message, /at most 101 points/);
    // 101 points is fine, 102 is not.
    assert.deepEqual(checkScenario(text.replace('max: 1000000000', 'max: 101')).problems, []);
    assert.deepEqual(checkScenario(text.replace('max: 1000000000', 'max: 102')).problems.map((p) => p.code), ['wide-scale']);
  });

  describe('dilemma run of a 1..1e9 scale against the test server', () => {
    let server: TestServer;
    before(async () => {
      const scenario = parseScenario(fs.readFileSync(FIXTURE, 'utf8')).scenario!;
      server = await startTestServer({
        models: ['sim'],
        respondent: scenarioRespondent([scenario], { sim: { traits: { privacy: 0.8, prosocial: 0.3 }, action: 'aligned', seed: 5 } }),
      });
    });
    after(async () => server.stop());

    it('completes with small requests, and the answers on the wide scale are read', async () => {
      const ws = cliWorkspace('dl-wide-', { 'wide.dilemma.yaml': fs.readFileSync(FIXTURE, 'utf8').replace(/^# .*\n/gm, '') }, server.url);
      try {
        const r = await ws.run(['run', 'wide.dilemma.yaml', '--model', 'lab/sim', '--samples', '2', '--format', 'json']);
        assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}`);
        assert.ok(server.requests.length > 0, 'no call reached the server');
        const biggest = Math.max(...server.requests.map((q) => JSON.stringify(q.body).length));
        assert.ok(biggest < 4000, `largest request body ${biggest} characters`);
        const wide = server.requests.map((q) => JSON.stringify(q.body)).filter((b) => b.includes('"maximum":1000000000'));
        assert.ok(wide.length > 0, 'no request carried the wide scale\'s bounds');
        // The run log: every session complete, and the stated answers on the wide scale read as integers
        // inside it (the respondent puts a trait of 0.3 on 1..1e9, far above 7, so no narrow scale got in the way).
        const logDir = path.join(ws.dir, '.dilemma', 'runs', 'fixture');
        const [log] = fs.readdirSync(logDir);
        assert.ok(log, 'no run log written');
        const sessions = fs.readFileSync(path.join(logDir, log), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; status?: string; items?: { value: string; status: string; answer?: number }[] }).filter((e) => e.kind === 'session');
        assert.equal(sessions.length, 2);
        for (const s of sessions) {
          assert.equal(s.status, 'complete', JSON.stringify(s));
          const wideAnswers = s.items!.filter((i) => i.value === 'prosocial');
          assert.ok(wideAnswers.length > 0);
          for (const i of wideAnswers) assert.ok(i.status === 'ok' && Number.isInteger(i.answer) && i.answer! >= 1 && i.answer! <= 1e9 && i.answer! > 7, JSON.stringify(i));
        }
      } finally {
        ws.dispose();
      }
    });
  });
});
