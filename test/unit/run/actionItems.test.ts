import * as assert from 'node:assert/strict';
import type { RenderedVariant } from '../../../src/core/scenario/render';
import { combineActionItems, runSession, type CallRequest, type SessionContext } from '../../../src/core/run/session';
import type { ActionItemAnswer } from '../../../src/core/run/record';
import { parseScenario } from '../../../src/core/scenario/parse';
import { renderVariant } from '../../../src/core/scenario/render';
import { itemCsv } from '../../../src/core/report/csv';

const scale7 = { min: 1, max: 7, low: 'Not at all', high: 'Completely', range: { start: 0, end: 0 } };

function rendered(prompt: string): RenderedVariant {
  return {
    variant: 'baseline',
    values: [{ name: 'privacy', label: 'Privacy', scale: scale7, items: [{ id: 'privacy.1', value: 'privacy', text: 'P one', reverse: false }] }],
    action: { prompt, scale: scale7, items: [{ id: 'as.1', text: 'Send the record?' }, { id: 'as.2', text: 'Enrol in person?' }, { id: 'as.3', text: 'Allow reuse?' }] },
    missing: [],
  };
}

function run(prompt: string, answer: (question: string) => string) {
  const requests: CallRequest[] = [];
  const ctx: SessionContext = {
    scenarioId: 'demo', runId: 'r1', spec: { key: 'sim/a|baseline|0|0', model: 'sim/a', variant: 'baseline', persona: 0, sample: 0 },
    rendered: rendered(prompt), settings: { mode: 'history', order: ['privacy', 'action'], shuffleItems: false }, supportsSystemPrompt: true, supportsStructuredOutput: false,
    call: async (req) => {
      requests.push(req);
      return { text: answer(req.messages[req.messages.length - 1]!.content), latencyMs: 2, cached: false };
    },
  };
  return { requests, record: runSession(ctx) };
}

const item = (id: string, status: ActionItemAnswer['status'], answer?: number): ActionItemAnswer => ({ item: id, status, ...(answer === undefined ? {} : { answer }), raw: String(answer ?? 'no'), latencyMs: 1 });

describe('session: a scale action with items (Revision 2)', () => {
  it('asks each item as its own turn after the questionnaire, in file order, and scores their mean', async () => {
    const { requests, record } = run('', (q) => (q.startsWith('Send') ? '6' : q.startsWith('Enrol') ? 'I would say 3.' : q.startsWith('Allow') ? '5' : '4'));
    const rec = await record;
    assert.deepEqual(requests.map((r) => r.messages[r.messages.length - 1]!.content.split('\n')[0]), ['P one', 'Send the record?', 'Enrol in person?', 'Allow reuse?']);
    assert.deepEqual(rec.action!.items!.map((i) => [i.item, i.status, i.answer]), [['as.1', 'ok', 6], ['as.2', 'ok', 3], ['as.3', 'ok', 5]]);
    // (6 + 3 + 5) / 3 = 14/3
    assert.equal(rec.action!.status, 'ok');
    assert.equal(rec.action!.score, 14 / 3);
    assert.equal(rec.action!.latencyMs, 6);
    assert.equal(rec.action!.raw, '[as.1] 6\n[as.2] I would say 3.\n[as.3] 5');
  });

  it('leads in every item turn with a prompt written beside the items', async () => {
    const { requests, record } = run('About your health data:', () => '4');
    await record;
    const actionTurns = requests.slice(1).map((r) => r.messages[r.messages.length - 1]!.content);
    assert.equal(actionTurns.length, 3);
    for (const [k, text] of ['Send the record?', 'Enrol in person?', 'Allow reuse?'].entries()) assert.ok(actionTurns[k]!.startsWith(`About your health data:\n\n${text}`), actionTurns[k]);
  });

  it('leaves an unreadable item out of the mean and never makes a number of it', () => {
    // (2 + 6) / 2 = 4: the unparsed and refused items count for nothing, not for a neutral 4.
    const a = combineActionItems([item('a', 'ok', 2), item('b', 'unparsed'), item('c', 'refused'), item('d', 'ok', 6)]);
    assert.equal(a.status, 'ok');
    assert.equal(a.score, 4);
    assert.equal(combineActionItems([item('a', 'refused'), item('b', 'refused')]).status, 'refused');
    const none = combineActionItems([item('a', 'refused'), item('b', 'unparsed')]);
    assert.equal(none.status, 'unparsed');
    assert.equal(none.score, undefined);
  });

  it('gives each action item its own column of the item-level data', () => {
    const text = [
      'dilemma: demo',
      'values:',
      '  privacy:',
      '    scale: { min: 1, max: 7 }',
      '    items: [P one, P two, P three]',
      'action:',
      '  scale: { min: 1, max: 7 }',
      '  items: [Send it?, { id: as.b, text: Enrol? }]',
      '  expect: { privacy: negative }',
    ].join('\n');
    const s = parseScenario(text).scenario!;
    assert.deepEqual(renderVariant(s, s.variants[0]!).action.items, [{ id: 'action.1', text: 'Send it?' }, { id: 'as.b', text: 'Enrol?' }]);
    const csv = itemCsv(s, [{
      v: 1, kind: 'session', runId: 'r', scenario: 'demo', key: 'k', model: 'm', variant: 'baseline', persona: 0, sample: 0, status: 'complete',
      items: [{ item: 'privacy.1', value: 'privacy', status: 'ok', answer: 2, raw: '2', latencyMs: 1 }],
      action: combineActionItems([item('action.1', 'ok', 5), item('as.b', 'unparsed')]),
      latencyMs: 1, usage: { promptTokens: 0, completionTokens: 0 }, startedAt: '', finishedAt: '',
    }]);
    assert.equal(csv, 'group,variant,persona,sample,privacy_1,privacy_2,privacy_3,action_1,as_b,action\nm,baseline,0,0,2,NA,NA,5,NA,5\n');
  });
});
