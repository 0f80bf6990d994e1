import * as assert from 'node:assert/strict';
import type { RenderedVariant } from '../../../src/core/scenario/render';
import { ModelError } from '../../../src/core/models/chatModel';
import { runSession, sampleSeed, sessionSteps, type CallRequest, type SessionContext, type SessionSettings } from '../../../src/core/run/session';

const scale7 = { min: 1, max: 7, low: 'Strongly disagree', high: 'Strongly agree', range: { start: 0, end: 0 } };
const scale5 = { min: 1, max: 5, range: { start: 0, end: 0 } };

function rendered(system?: string): RenderedVariant {
  return {
    variant: 'baseline',
    ...(system ? { system } : {}),
    values: [
      { name: 'privacy', label: 'Privacy', scale: scale7, items: ['P one', 'P two', 'P three', 'P four', 'P five'].map((t, i) => ({ id: `privacy.${i + 1}`, value: 'privacy', text: t, reverse: i === 1 })) },
      { name: 'prosocial', label: 'Prosocial', scale: scale5, items: ['S one', 'S two'].map((t, i) => ({ id: `prosocial.${i + 1}`, value: 'prosocial', text: t, reverse: false })) },
    ],
    action: { prompt: 'Do you share?', choices: [{ id: 'share', label: 'Share it' }, { id: 'decline', label: 'Keep it' }] },
    missing: [],
  };
}

const base: SessionSettings = { mode: 'history', order: ['privacy', 'prosocial', 'action'], shuffleItems: false, temperature: 0.5 };

/** A fake model: answers items with the item's position and the action with "share"; records every request. */
function fake(answers?: (req: CallRequest, n: number) => string) {
  const requests: CallRequest[] = [];
  const call = async (req: CallRequest) => {
    requests.push(req);
    const last = req.messages[req.messages.length - 1]?.content ?? '';
    const text = answers ? answers(req, requests.length) : last.startsWith('Do you share?') ? 'share' : String(1 + (requests.length % 5));
    return { text, latencyMs: 1, cached: false, usage: { promptTokens: 10, completionTokens: 1 } };
  };
  return { requests, call };
}

function ctx(over: Partial<SessionContext> & { call: SessionContext['call'] }): SessionContext {
  return {
    scenarioId: 'demo', runId: 'r1', spec: { key: 'sim/a|baseline|0|0', model: 'sim/a', variant: 'baseline', persona: 0, sample: 0 },
    rendered: rendered('You are Ana.'), settings: base, supportsSystemPrompt: true, supportsStructuredOutput: false, ...over,
  };
}

describe('session: history protocol', () => {
  it('sends one growing conversation: system, each item with its answer appended, then the action', async () => {
    const f = fake();
    const rec = await runSession(ctx({ call: f.call }));
    assert.equal(f.requests.length, 8);
    const last = f.requests[7]!.messages;
    assert.equal(last[0]!.role, 'system');
    assert.equal(last[0]!.content, 'You are Ana.');
    assert.equal(last.length, 1 + 7 * 2 + 1);
    for (let i = 0; i < 7; i++) {
      assert.equal(last[1 + 2 * i]!.role, 'user');
      assert.equal(last[2 + 2 * i]!.role, 'assistant');
      // Each earlier request is exactly the prefix the next one carries.
      assert.deepEqual(f.requests[i]!.messages, last.slice(0, 2 + 2 * i));
    }
    assert.match(last[1]!.content, /^P one\n\nAnswer with one integer from 1 \(Strongly disagree\) to 7 \(Strongly agree\)\.$/);
    assert.match(last[15]!.content, /^Do you share\?[\s\S]*- share: Share it\n- decline: Keep it/);
    assert.equal(rec.status, 'complete');
    assert.deepEqual(rec.items.map((i) => i.item), ['privacy.1', 'privacy.2', 'privacy.3', 'privacy.4', 'privacy.5', 'prosocial.1', 'prosocial.2']);
    assert.equal(rec.action?.choice, 'share');
    assert.deepEqual(rec.usage, { promptTokens: 80, completionTokens: 8 });
    assert.equal(rec.transcript?.length, 17);
    assert.equal(f.requests[0]!.temperature, 0.5);
  });

  it('sends the persona as the first user turn to a model without a system prompt', async () => {
    const f = fake();
    await runSession(ctx({ call: f.call, supportsSystemPrompt: false }));
    const first = f.requests[0]!.messages;
    assert.deepEqual(first.map((m) => m.role), ['user', 'user']);
    assert.equal(first[0]!.content, 'You are Ana.');
    assert.ok(f.requests.every((r) => r.messages.every((m) => m.role !== 'system')));
  });

  it('follows run.order, and appends values it leaves out before the action', async () => {
    const f = fake();
    await runSession(ctx({ call: f.call, settings: { ...base, order: ['action', 'prosocial'] } }));
    const firsts = f.requests.map((r) => r.messages[r.messages.length - 1]!.content.split('\n')[0]);
    assert.deepEqual(firsts, ['Do you share?', 'S one', 'S two', 'P one', 'P two', 'P three', 'P four', 'P five']);
  });

  it('asks for structured output only when the model supports it', async () => {
    const f = fake((req) => (req.schema?.name === 'choice_answer' ? '{"answer":"decline"}' : '{"answer":3}'));
    const rec = await runSession(ctx({ call: f.call, supportsStructuredOutput: true }));
    assert.deepEqual((f.requests[0]!.schema!.schema as any).properties.answer.enum, [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual((f.requests[7]!.schema!.schema as any).properties.answer.enum, ['share', 'decline']);
    assert.ok(rec.items.every((i) => i.status === 'ok' && i.answer === 3));
    assert.equal(rec.action?.choice, 'decline');
    const g = fake();
    await runSession(ctx({ call: g.call }));
    assert.ok(g.requests.every((r) => r.schema === undefined));
  });

  it('records unreadable answers as unparsed and refusals as refused, with the raw text and no value', async () => {
    const f = fake((_req, n) => (n === 1 ? 'It depends.' : n === 2 ? "I'm sorry, I can't answer that." : n === 8 ? 'maybe' : '4'));
    const rec = await runSession(ctx({ call: f.call }));
    assert.deepEqual(rec.items[0], { item: 'privacy.1', value: 'privacy', status: 'unparsed', raw: 'It depends.', latencyMs: 1, usage: { promptTokens: 10, completionTokens: 1 } });
    assert.equal(rec.items[1]!.status, 'refused');
    assert.equal(rec.items[1]!.answer, undefined);
    assert.equal(rec.action?.status, 'unparsed');
    assert.equal(rec.action?.raw, 'maybe');
    assert.equal(rec.action?.choice, undefined);
  });

  it('offsets run.seed by the sample so samples differ but reproduce', async () => {
    const f = fake();
    await runSession(ctx({ call: f.call, settings: { ...base, seed: 100 }, spec: { key: 'k', model: 'm', variant: 'baseline', persona: 0, sample: 3 } }));
    assert.ok(f.requests.every((r) => r.seed === 103));
  });
});

describe('session: a scale action', () => {
  it('asks for an integer on the action scale and records it as the score', async () => {
    const r = rendered();
    r.action = { prompt: 'How acceptable is sharing?', scale: { min: 1, max: 7, low: 'Not at all', high: 'Fully', range: { start: 0, end: 0 } } };
    const f = fake((req) => (req.messages[req.messages.length - 1]!.content.startsWith('How acceptable') ? 'I would say 6.' : '2'));
    const rec = await runSession(ctx({ call: f.call, rendered: r }));
    assert.match(f.requests[7]!.messages.at(-1)!.content, /^How acceptable is sharing\?\n\nAnswer with one integer from 1 \(Not at all\) to 7 \(Fully\)\.$/);
    assert.deepEqual({ status: rec.action?.status, score: rec.action?.score, choice: rec.action?.choice }, { status: 'ok', score: 6, choice: undefined });
  });
});

describe('session: stateless protocol', () => {
  it('asks every item and the action in a fresh conversation', async () => {
    const f = fake();
    const rec = await runSession(ctx({ call: f.call, settings: { ...base, mode: 'stateless' } }));
    assert.equal(f.requests.length, 8);
    for (const r of f.requests) {
      assert.deepEqual(r.messages.map((m) => m.role), ['system', 'user']);
      assert.equal(r.messages[0]!.content, 'You are Ana.');
    }
    assert.equal(rec.status, 'complete');
    assert.equal(rec.items.length, 7);
  });
});

describe('session: shuffle-items', () => {
  const order = (seed: number) => sessionSteps(rendered(), { ...base, shuffleItems: true }, seed).map((s) => (s.kind === 'item' ? s.item : 'action'));
  it('permutes items within each block only, the action stays last', () => {
    const o = order(sampleSeed('demo', 'baseline', 0, 0));
    assert.deepEqual(o.slice(0, 5).sort(), ['privacy.1', 'privacy.2', 'privacy.3', 'privacy.4', 'privacy.5']);
    assert.deepEqual(o.slice(5, 7).sort(), ['prosocial.1', 'prosocial.2']);
    assert.equal(o[7], 'action');
  });
  it('reproduces a sample and differs across samples', () => {
    const seeds = Array.from({ length: 20 }, (_, s) => sampleSeed('demo', 'baseline', 0, s));
    assert.deepEqual(order(seeds[0]!), order(sampleSeed('demo', 'baseline', 0, 0)));
    const distinct = new Set(seeds.map((s) => order(s).join(',')));
    assert.ok(distinct.size >= 10, `only ${distinct.size} distinct orders over 20 samples`);
    assert.notEqual(sampleSeed('demo', 'pharma', 0, 0), sampleSeed('demo', 'baseline', 0, 0));
    assert.notEqual(sampleSeed('demo', 'baseline', 1, 0), sampleSeed('demo', 'baseline', 0, 0));
  });
  it('keeps file order without shuffle-items', () => {
    assert.deepEqual(sessionSteps(rendered(), base, 42).map((s) => (s.kind === 'item' ? s.item : 'action')).slice(0, 5), ['privacy.1', 'privacy.2', 'privacy.3', 'privacy.4', 'privacy.5']);
  });
});

describe('session: failures', () => {
  it('a call failing after its retries makes a failed record that keeps the answers so far', async () => {
    const f = fake();
    const call = async (req: CallRequest) => {
      if (f.requests.length === 3) throw new ModelError('server', 'HTTP 500 after 3 attempts', { status: 500 });
      return f.call(req);
    };
    const rec = await runSession(ctx({ call }));
    assert.equal(rec.status, 'failed');
    assert.match(rec.error!, /^server: HTTP 500/);
    assert.equal(rec.items.length, 3);
    assert.equal(rec.action, undefined);
  });
  it('an abort, an auth error or a non-model error is thrown, not recorded', async () => {
    for (const err of [new ModelError('aborted', 'x'), new ModelError('auth', 'x', { status: 401 }), new Error('budget')]) {
      await assert.rejects(runSession(ctx({ call: async () => { throw err; } })), (e) => e === err);
    }
  });
});
