import * as assert from 'node:assert/strict';
import { runSession, type CallRequest, type SessionContext } from '../../../src/core/run/session';
import { estimateShape, planShape } from '../../../src/core/run/plan';
import { parseScenario } from '../../../src/core/scenario/parse';
import { renderVariant, type RenderedVariant } from '../../../src/core/scenario/render';

const TEXT = `dilemma: principled
vars: { recipient: a registry }
persona: You are Ana.
values:
  privacy:
    label: Privacy concern
    scale: { min: 1, max: 7 }
    items: [I care about my data.]
  prosocial:
    label: Prosocialness
    scale: { min: 1, max: 5 }
    items: [I help others.]
  duty:
    label: Civic duty
    scale: { min: 1, max: 5 }
    items: [I do my part.]
action:
  prompt: Share your records with {{recipient}}?
  choices: { share: Share them, decline: Keep them }
  expect: { privacy: decline, prosocial: share, duty: share }
principle:
  prompt: When {{a}} and {{b}} conflict, which should usually come first for someone sharing with {{recipient}}?
`;

describe('principle: the stated priority, asked once per session', () => {
  const scenario = parseScenario(TEXT).scenario!;
  const rendered: RenderedVariant = renderVariant(scenario, scenario.variants[0]!);

  it('renders the question for each pair of values, both ways round, with the labels as {{a}}, {{b}} and the vars filled', () => {
    assert.deepEqual(rendered.principle!.map((p) => p.values), [['privacy', 'prosocial'], ['privacy', 'duty'], ['prosocial', 'duty']]);
    assert.deepEqual(rendered.principle![0]!.prompts, [
      'When Privacy concern and Prosocialness conflict, which should usually come first for someone sharing with a registry?',
      'When Prosocialness and Privacy concern conflict, which should usually come first for someone sharing with a registry?',
    ]);
    assert.deepEqual(rendered.missing, []);
  });

  function fake(answer: (req: CallRequest) => string) {
    const requests: CallRequest[] = [];
    const call = async (req: CallRequest) => {
      requests.push(req);
      return { text: answer(req), latencyMs: 1, cached: false, usage: { promptTokens: 5, completionTokens: 1 } };
    };
    return { requests, call };
  }
  const ctx = (sample: number, call: SessionContext['call']): SessionContext => ({
    scenarioId: 'principled', runId: 'r', spec: { key: `m|baseline|0|${sample}`, model: 'm', variant: 'baseline', persona: 0, sample },
    rendered, settings: { mode: 'history', order: [], shuffleItems: false }, supportsSystemPrompt: true, supportsStructuredOutput: true, call,
  });

  it('asks each pair after the action in its own conversation (persona, then the question) and reads the answer as a value name', async () => {
    const f = fake((req) => {
      const q = req.messages.at(-1)!.content;
      if (q.startsWith('When')) return q.includes('Civic duty') && q.includes('Prosocialness') ? 'Civic duty, clearly.' : JSON.stringify({ answer: 'privacy' });
      return q.startsWith('Share') ? 'decline' : '4';
    });
    const rec = await runSession(ctx(0, f.call));
    // 3 items, the action, then 3 principle questions.
    assert.equal(f.requests.length, 7);
    const questions = f.requests.slice(4);
    for (const q of questions) {
      assert.deepEqual(q.messages.map((m) => m.role), ['system', 'user'], 'a fresh conversation');
      assert.equal(q.messages[0]!.content, 'You are Ana.');
      assert.equal(q.schema?.name, 'choice_answer');
    }
    assert.match(questions[0]!.messages[1]!.content, /^When Privacy concern and Prosocialness conflict[\s\S]*- privacy: Privacy concern\n- prosocial: Prosocialness\nAnswer with the id/);
    assert.equal(rec.status, 'complete');
    assert.deepEqual(rec.principle!.map((p) => [p.a, p.b, p.status, p.choice]), [
      ['privacy', 'prosocial', 'ok', 'privacy'], ['privacy', 'duty', 'ok', 'privacy'], ['prosocial', 'duty', 'ok', 'duty'],
    ]);
    assert.equal(rec.usage.promptTokens, 7 * 5, 'principle calls count in the session usage');
  });

  it('names the other value first in odd samples, so position cannot decide', async () => {
    const f = fake((req) => (req.messages.at(-1)!.content.startsWith('When') ? 'maybe' : '3'));
    const rec = await runSession(ctx(1, f.call));
    assert.match(f.requests.at(-3)!.messages[1]!.content, /^When Prosocialness and Privacy concern conflict[\s\S]*- prosocial: Prosocialness\n- privacy: Privacy concern/);
    assert.deepEqual(rec.principle!.map((p) => [p.a, p.b, p.status]), [['prosocial', 'privacy', 'unparsed'], ['duty', 'privacy', 'unparsed'], ['duty', 'prosocial', 'unparsed']]);
  });

  it('counts the principle calls in the preflight estimate', () => {
    const withPrinciple = estimateShape(scenario, planShape(scenario, { models: ['m'], samples: 2 }));
    const plain = parseScenario(TEXT.replace(/principle:[\s\S]*$/, '')).scenario!;
    const without = estimateShape(plain, planShape(plain, { models: ['m'], samples: 2 }));
    assert.equal(withPrinciple.calls - without.calls, 2 * 3);
    assert.ok(withPrinciple.promptTokens > without.promptTokens);
  });
});
