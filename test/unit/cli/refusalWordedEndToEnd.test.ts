import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestServer, type TestServer } from '../../support/openaiServer';
import { REFUSAL_WORDED_CHOICE, REFUSAL_WORDED_SCALE, scenarioRespondent, type RespondentProfile } from '../../support/respondent';
import { cliWorkspace, type CliWorkspace } from '../../support/cliWorkspace';
import { parseScenario } from '../../../src/core/scenario/parse';
import { readRunLog } from '../../../src/core/run/runLog';

// A cautious model: every answer, items and action alike, is worded as a refusal but states the
// answer ("I'm afraid I'd have to say 2.", "I am sorry, but I would rather decline."). Reading the
// refusal pattern before the answer dropped all of them as refused; the run must be analysed on the
// answers they state.
const TEXT = `dilemma: cautious
persona: You are a careful survey respondent.
values:
  privacy:
    scale: { min: 1, max: 7, low: Strongly disagree, high: Strongly agree }
    items:
      - It bothers me when organisations ask for personal data.
      - I worry about who can see my records.
  prosocial:
    scale: { min: 1, max: 7, low: Strongly disagree, high: Strongly agree }
    items:
      - I help others even when it costs me something.
      - I am glad to contribute to things that benefit strangers.
action:
  prompt: The clinic asks to pass your records to {{recipient}}. What do you do?
  choices: { share: Let them pass it on, decline: Keep it private }
  expect: { privacy: decline, prosocial: share }
vars: { recipient: a research registry }
variants:
  - name: baseline
  - name: pharma
    vars: { recipient: a drug company }
run:
  samples: 12
  session: history
`;

/** The answer a refusal wording states, taken from the wording itself (not by the reader under test). */
function stated(raw: string, templates: readonly string[]): string | undefined {
  for (const t of templates) {
    const [head, tail] = t.split('{x}') as [string, string];
    if (raw.startsWith(head) && raw.endsWith(tail)) return raw.slice(head.length, raw.length - tail.length);
  }
  return undefined;
}

describe('cli: answers worded as refusals that state a choice are analysed on that choice', function () {
  this.timeout(120_000);
  let server: TestServer;
  let ws: CliWorkspace;
  const profiles: Record<string, RespondentProfile> = {
    'sim-cautious': { traits: { privacy: 0.5, prosocial: 0.5 }, spread: 0.3, action: 'aligned', wording: 'refusal', seed: 5 },
  };

  before(async () => {
    const scenario = parseScenario(TEXT).scenario!;
    server = await startTestServer({ models: Object.keys(profiles), respondent: scenarioRespondent([scenario], profiles) });
    ws = cliWorkspace('dl-refusal-worded-', { 'cautious.dilemma.yaml': TEXT }, server.url);
    // Plain-text answers: no structured output, so the wording reaches the reader.
    fs.writeFileSync(path.join(ws.dir, 'providers.json'), JSON.stringify({ providers: { lab: { baseUrl: server.url, structuredOutput: false } } }));
  });
  after(async () => {
    await server?.stop();
    ws?.dispose();
  });

  it('dilemma run records the stated answers, and dilemma analyze counts them with no refusal', async () => {
    const r = await ws.run(['run', 'cautious.dilemma.yaml', '--model', 'lab/sim-cautious', '--no-cache', '--format', 'json']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.runs[0].complete, 24, 'every session ran');
    const log = await readRunLog(out.runs[0].logPath);

    // Each answer is refusal-worded and the log holds the answer that wording states.
    const expected = new Map<string, Map<string, number>>();
    for (const s of log.sessions) {
      for (const item of s.items) {
        const x = stated(item.raw ?? '', REFUSAL_WORDED_SCALE);
        assert.ok(x !== undefined, `item answer not refusal-worded: ${item.raw}`);
        assert.equal(item.status, 'ok', `${item.raw} was read as ${item.status}`);
        assert.equal(item.answer, Number(x), item.raw);
      }
      const x = stated(s.action!.raw ?? '', REFUSAL_WORDED_CHOICE);
      assert.ok(x !== undefined, `action answer not refusal-worded: ${s.action!.raw}`);
      assert.equal(s.action!.status, 'ok', `${s.action!.raw} was read as ${s.action!.status}`);
      assert.equal(s.action!.choice, x, s.action!.raw);
      const counts = expected.get(s.variant) ?? new Map<string, number>();
      counts.set(x, (counts.get(x) ?? 0) + 1);
      expected.set(s.variant, counts);
    }
    // Both choices occur, so the run is analysed on a real spread of decisions.
    const all = new Set([...expected.values()].flatMap((m) => [...m.keys()]));
    assert.deepEqual([...all].sort(), ['decline', 'share']);

    const a = await ws.run(['analyze', out.runs[0].logPath, '--format', 'json']);
    assert.equal(a.code === 0 || a.code === 1, true, a.stderr);
    const report = JSON.parse(a.stdout);
    const [analysis] = report.scenarios;
    for (const v of analysis.perVariant) {
      const st = v.stats;
      const counts = expected.get(st.variant)!;
      assert.deepEqual(
        st.distribution.map((d: { outcome: string; count: number }) => [d.outcome, d.count]),
        ['share', 'decline'].filter((c) => counts.has(c)).map((c) => [c, counts.get(c)]),
        `${st.variant}: action distribution`,
      );
      assert.equal(st.actions, 12);
      assert.equal(st.refusals.count, 0, `${st.variant}: no answer counted as refused`);
      assert.equal(st.parseFailures.count, 0, `${st.variant}: no answer counted as unparsed`);
      assert.equal(st.refusals.n, 12 * 5, 'answers received: 4 items and the action per session');
      for (const val of st.values) assert.equal(val.n, 12, `${st.variant} ${val.value}: every session has a score`);
      // Divergence is computed from the stated answers: every sample with a determined implied action counts.
      assert.equal(st.divergence.n + st.undetermined, 12, `${st.variant}: every sample is compared or undetermined`);
      // The respondent acts as the values it stated imply, so no determined sample diverges.
      assert.ok(st.divergence.n > 0, `${st.variant}: some samples are compared`);
      assert.equal(st.divergence.count, 0, `${st.variant}: the aligned respondent never diverges`);
    }
  });
});
