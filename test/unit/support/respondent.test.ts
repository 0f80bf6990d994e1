import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import OpenAI from 'openai';
import type { Scenario, VarSet } from '../../../src/core/scenario/model';
import { parseScenario } from '../../../src/core/scenario/parse';
import { renderVariant } from '../../../src/core/scenario/render';
import type { RecordedRequest, TestServer } from '../../support/openaiServer';
import { startTestServer } from '../../support/openaiServer';
import { repoPath } from '../../support/paths';
import type { RespondentProfile } from '../../support/respondent';
import { REFUSAL_TEXT, scenarioRespondent, UNPARSED_TEXT, UNRECOGNISED_TEXT } from '../../support/respondent';

/** The health-registry example: privacy (1-7, one reversed item), prosocial (1-5), acceptance (1-7, one reversed). */
function loadExample(): Scenario {
  const parsed = parseScenario(fs.readFileSync(repoPath('examples', 'health-registry.dilemma.yaml'), 'utf8'));
  assert.ok(parsed.scenario, 'the example parses');
  return parsed.scenario;
}

const scaleLine = (min: number, max: number): string => `Answer with one integer from ${min} to ${max}.`;

interface Session {
  items: { value: string; id: string; reverse: boolean; min: number; max: number; answer: string }[];
  action: string;
}

/** One history-carrying session as the engine runs it: system, each item with its answer appended, then the action. */
async function runSession(client: OpenAI, model: string, scenario: Scenario, variantName: string, persona?: VarSet): Promise<Session> {
  const variant = scenario.variants.find((v) => v.name === variantName)!;
  const r = renderVariant(scenario, variant, persona);
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = r.system ? [{ role: 'system', content: r.system }] : [];
  const session: Session = { items: [], action: '' };
  const ask = async (content: string): Promise<string> => {
    messages.push({ role: 'user', content });
    const res = await client.chat.completions.create({ model, messages, temperature: 0.7 });
    const text = res.choices[0]!.message.content ?? '';
    messages.push({ role: 'assistant', content: text });
    return text;
  };
  for (const v of r.values) {
    for (const item of v.items) {
      const answer = await ask(`${item.text}\n\n${scaleLine(v.scale.min, v.scale.max)}`);
      session.items.push({ value: v.name, id: item.id, reverse: item.reverse, min: v.scale.min, max: v.scale.max, answer });
    }
  }
  const choices = r.action.choices!.map((c) => `- ${c.id}: ${c.label}`).join('\n');
  session.action = await ask(`${r.action.prompt}\n\nChoose one of:\n${choices}\nAnswer with the id of your choice only.`);
  return session;
}

const readInt = (text: string): number => {
  const m = /(\d+)/.exec(text);
  assert.ok(m, `no integer in ${JSON.stringify(text)}`);
  return Number(m[1]);
};
const readChoice = (text: string): string => {
  const m = /\b(share|decline)\b/.exec(text);
  assert.ok(m, `no choice in ${JSON.stringify(text)}`);
  return m[1]!;
};

/** Normalised stated score per value (reverse-coded mean), as method.md defines it. */
function statedScores(s: Session): Map<string, number> {
  const acc = new Map<string, number[]>();
  for (const it of s.items) {
    const x = readInt(it.answer);
    assert.ok(x >= it.min && x <= it.max, `${it.id}: ${x} outside ${it.min}..${it.max}`);
    const coded = it.reverse ? it.min + it.max - x : x;
    acc.set(it.value, [...(acc.get(it.value) ?? []), (coded - it.min) / (it.max - it.min)]);
  }
  return new Map([...acc].map(([k, xs]) => [k, xs.reduce((a, b) => a + b, 0) / xs.length]));
}

/** The example's hierarchy: no-consent requires decline; else privacy, prosocial, acceptance ranked; expect decline/share/share. */
function impliedByExample(variant: string, scores: Map<string, number>): string | undefined {
  if (variant === 'no-consent') return 'decline';
  const expect: Record<string, string> = { privacy: 'decline', prosocial: 'share', acceptance: 'share' };
  for (const v of ['privacy', 'prosocial', 'acceptance']) if (scores.get(v)! > 0.5) return expect[v];
  return undefined;
}

describe('simulated respondent', function () {
  this.timeout(60_000);
  let scenario: Scenario;
  let server: TestServer;
  let client: OpenAI;
  const base = { privacy: 0.85, prosocial: 0.3, acceptance: 0.3 };
  const profiles: Record<string, RespondentProfile> = {
    aligned: { traits: base, action: 'aligned', seed: 1, variants: { pandemic: { traits: { privacy: -0.7, prosocial: 0.6 } } } },
    contrary: { traits: base, action: 'contrary', seed: 2 },
    flipper: { traits: base, action: 'aligned', seed: 3, variants: { pharma: { action: 'contrary' } } },
    refuser: { traits: base, action: 'aligned', refusalRate: 1 },
    mumbler: { traits: base, action: 'aligned', unparsedRate: 1 },
    // Near the threshold with a wide spread: some sessions hold privacy, some do not.
    torn: { traits: { privacy: 0.5, prosocial: 0.6, acceptance: 0.5 }, action: 'aligned', seed: 4, spread: 0.25 },
  };

  before(async () => {
    scenario = loadExample();
    server = await startTestServer({ respondent: scenarioRespondent([scenario], profiles) });
    client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
  });
  after(async () => server.stop());

  it('states values around the profile, mirroring reverse-coded items', async () => {
    const s = await runSession(client, 'aligned', scenario, 'baseline', scenario.personas[0]);
    const privacyItems = s.items.filter((i) => i.value === 'privacy');
    const reversed = privacyItems.find((i) => i.reverse)!;
    const straight = privacyItems.filter((i) => !i.reverse);
    // Level 0.85 on 1..7 sits near 6.1; the reversed item near 1.9.
    assert.ok(straight.every((i) => readInt(i.answer) >= 5), straight.map((i) => i.answer).join(','));
    assert.ok(readInt(reversed.answer) <= 3, reversed.answer);
    const scores = statedScores(s);
    assert.ok(scores.get('privacy')! > 0.7 && scores.get('prosocial')! < 0.5 && scores.get('acceptance')! < 0.5, JSON.stringify([...scores]));
  });

  it('acts on its stated values when aligned and against them when contrary', async () => {
    const tally = { aligned: { agree: 0, diverge: 0 }, contrary: { agree: 0, diverge: 0 } };
    for (const model of ['aligned', 'contrary'] as const) {
      for (let i = 0; i < 12; i++) {
        const s = await runSession(client, model, scenario, 'baseline', scenario.personas[i % scenario.personas.length]);
        const implied = impliedByExample('baseline', statedScores(s));
        assert.ok(implied, 'privacy is held, so the hierarchy decides');
        if (readChoice(s.action) === implied) tally[model].agree++;
        else tally[model].diverge++;
      }
    }
    assert.deepEqual(tally, { aligned: { agree: 12, diverge: 0 }, contrary: { agree: 0, diverge: 12 } });
  });

  it('lets a variant shift the traits so the decision flips against the values it stated', async () => {
    const baseline = await runSession(client, 'aligned', scenario, 'baseline');
    const pandemic = await runSession(client, 'aligned', scenario, 'pandemic');
    assert.equal(readChoice(baseline.action), impliedByExample('baseline', statedScores(baseline)));
    assert.equal(readChoice(baseline.action), 'decline');
    // The items read the same in both variants, so the stated values do too; only the action sees the
    // pandemic framing, and the shift (privacy -0.7, prosocial +0.6) turns it into sharing: divergence.
    const scores = statedScores(pandemic);
    assert.ok(scores.get('privacy')! > 0.5, JSON.stringify([...scores]));
    assert.equal(impliedByExample('pandemic', scores), 'decline');
    assert.equal(readChoice(pandemic.action), 'share');
  });

  it('follows a `when` rule of the hierarchy and a per-variant action override', async () => {
    const noConsent = await runSession(client, 'aligned', scenario, 'no-consent');
    assert.equal(readChoice(noConsent.action), 'decline');
    const pharma = await runSession(client, 'flipper', scenario, 'pharma');
    assert.equal(readChoice(pharma.action), 'share', 'the variant override makes it act against its values');
  });

  it('makes sessions differ, items agree within a session, and the action follow each session', async () => {
    const sessions: Session[] = [];
    for (let i = 0; i < 30; i++) sessions.push(await runSession(client, 'torn', scenario, 'baseline', scenario.personas[i % scenario.personas.length]));
    const actions = sessions.map((s) => readChoice(s.action));
    assert.ok(actions.includes('share') && actions.includes('decline'), `actions vary: ${actions.join(',')}`);
    let determined = 0;
    for (const s of sessions) {
      const implied = impliedByExample('baseline', statedScores(s));
      if (implied === undefined) continue;
      determined++;
      assert.equal(readChoice(s.action), implied);
    }
    assert.ok(determined >= 20, `${determined} determined`);
    // Two privacy items correlate across sessions: the session's own level drives both.
    const answer = (s: Session, id: string): number => readInt(s.items.find((i) => i.id === id)!.answer);
    const xs = sessions.map((s) => answer(s, 'pc-control'));
    const ys = sessions.map((s) => answer(s, 'pc-health'));
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    const mx = mean(xs);
    const my = mean(ys);
    const cov = mean(xs.map((x, i) => (x - mx) * (ys[i]! - my)));
    const r = cov / Math.sqrt(mean(xs.map((x) => (x - mx) ** 2)) * mean(ys.map((y) => (y - my) ** 2)));
    assert.ok(r > 0.3, `item correlation ${r.toFixed(2)}`);
  });

  it('places a scale action on the side the values imply, further the more strongly they are held', async () => {
    const tiny = parseScenario(
      [
        'dilemma: tiny-scale',
        'values:',
        '  care:',
        '    scale: { min: 1, max: 5 }',
        '    items:',
        '      - I look after the people around me.',
        '      - I notice when someone needs help.',
        'action:',
        '  prompt: How willing are you to donate your data to a children\'s hospital?',
        '  scale: { min: 1, max: 7 }',
        '  expect: { care: positive }',
        '',
      ].join('\n'),
    ).scenario!;
    const local = await startTestServer({
      respondent: scenarioRespondent([tiny], {
        kind: { traits: { care: 0.5 }, action: 'aligned', spread: 0.3, seed: 8 },
        perverse: { traits: { care: 0.5 }, action: 'contrary', spread: 0.3, seed: 8 },
      }),
    });
    try {
      const c = new OpenAI({ baseURL: local.url, apiKey: 'unused', maxRetries: 0 });
      const r = renderVariant(tiny, tiny.variants[0]!);
      const pairs: { model: string; level: number; score: number }[] = [];
      for (const model of ['kind', 'perverse']) {
        for (let i = 0; i < 30; i++) {
          const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [];
          let sum = 0;
          for (const item of r.values[0]!.items) {
            messages.push({ role: 'user', content: `${item.text}\n\n${scaleLine(1, 5)}` });
            const a = (await c.chat.completions.create({ model, messages })).choices[0]!.message.content!;
            messages.push({ role: 'assistant', content: a });
            sum += (readInt(a) - 1) / 4;
          }
          messages.push({ role: 'user', content: `${r.action.prompt}\n\n${scaleLine(1, 7)}` });
          const score = readInt((await c.chat.completions.create({ model, messages })).choices[0]!.message.content!);
          pairs.push({ model, level: sum / 2, score });
        }
      }
      for (const p of pairs) {
        if (p.level === 0.5) continue; // undetermined
        const high = p.level > 0.5;
        assert.equal(p.score > 4, p.model === 'kind' ? high : !high, JSON.stringify(p));
        assert.notEqual(p.score, 4);
      }
      const kind = pairs.filter((p) => p.model === 'kind' && p.level !== 0.5);
      const rank = (xs: number[]): number[] => xs.map((x) => xs.filter((y) => y < x).length + (xs.filter((y) => y === x).length - 1) / 2);
      const a = rank(kind.map((p) => p.level));
      const b = rank(kind.map((p) => p.score));
      const mean = (v: number[]): number => v.reduce((x, y) => x + y, 0) / v.length;
      const ma = mean(a);
      const mb = mean(b);
      const rho = mean(a.map((x, i) => (x - ma) * (b[i]! - mb))) / Math.sqrt(mean(a.map((x) => (x - ma) ** 2)) * mean(b.map((y) => (y - mb) ** 2)));
      assert.ok(rho > 0.6, `rank correlation of stated level and action score ${rho.toFixed(2)}`);
    } finally {
      await local.stop();
    }
  });

  it('answers in JSON when the request asks for a json_schema', async () => {
    const r = renderVariant(scenario, scenario.variants[0]!);
    const item = r.values[0]!.items[0]!;
    const res = await client.chat.completions.create({
      model: 'aligned',
      messages: [{ role: 'user', content: `${item.text}\n\n${scaleLine(1, 7)}` }],
      response_format: { type: 'json_schema', json_schema: { name: 'scale_answer', strict: true, schema: { type: 'object', properties: { answer: { type: 'integer', enum: [1, 2, 3, 4, 5, 6, 7] } }, required: ['answer'] } } },
    });
    const parsed = JSON.parse(res.choices[0]!.message.content!) as { answer: number };
    assert.ok(Number.isInteger(parsed.answer) && parsed.answer >= 1 && parsed.answer <= 7);
    const action = await client.chat.completions.create({
      model: 'contrary',
      messages: [{ role: 'user', content: r.action.prompt }],
      response_format: { type: 'json_schema', json_schema: { name: 'choice_answer', strict: true, schema: { type: 'object', properties: { answer: { type: 'string', enum: ['share', 'decline'] } }, required: ['answer'] } } },
    });
    // Stateless: no stated answers in the conversation, so the latent levels decide (privacy held -> decline; contrary -> share).
    assert.deepEqual(JSON.parse(action.choices[0]!.message.content!), { answer: 'share' });
  });

  it('is reproducible, and parallel samples of one conversation still differ', () => {
    const item = renderVariant(scenario, scenario.variants[0]!).values[1]!.items[0]!;
    const req = (temperature: number): RecordedRequest => ({
      model: 'aligned',
      messages: [{ role: 'user', content: `${item.text}\n\n${scaleLine(1, 5)}` }],
      stream: false,
      headers: {},
      body: { temperature },
    });
    const draw = (temperature: number): string[] => {
      const respond = scenarioRespondent([scenario], { aligned: { traits: { prosocial: 0.5 }, action: 'aligned', seed: 11 } });
      return Array.from({ length: 30 }, () => respond(req(temperature)));
    };
    const a = draw(1);
    assert.deepEqual(a, draw(1), 'same profile, same requests: same answers');
    assert.ok(new Set(a.map(readInt)).size >= 2, `samples vary: ${a.join(',')}`);
    assert.equal(new Set(draw(0)).size, 1, 'temperature 0 answers the same every time');
  });

  it('refuses, mumbles, or says it did not recognise the question, as its profile and the request say', async () => {
    const r = renderVariant(scenario, scenario.variants[0]!);
    const ask = async (model: string, content: string): Promise<string> =>
      (await client.chat.completions.create({ model, messages: [{ role: 'user', content }] })).choices[0]!.message.content!;
    assert.equal(await ask('refuser', r.action.prompt), REFUSAL_TEXT);
    const mumble = await ask('mumbler', r.values[0]!.items[0]!.text);
    assert.equal(mumble, UNPARSED_TEXT);
    assert.doesNotMatch(mumble, /\d|\bshare\b|\bdecline\b/);
    assert.equal(await ask('aligned', 'What is the capital of France?'), UNRECOGNISED_TEXT);
    assert.match(await ask('nobody', r.action.prompt), /No simulated profile for model "nobody"/);
  });
});
