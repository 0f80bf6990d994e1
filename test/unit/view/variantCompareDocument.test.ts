import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../src/core/scenario/parse';
import { modalAnswers, variantCompareDocuments } from '../../../src/core/view/variantCompareDocument';
import { wordDiff } from '../../../src/core/analysis/textDiff';
import { answer, session } from '../analysis/fixtures';

// A scenario whose `insurer` variant changes one var of the action prompt and rewords one privacy item.
const SCENARIO = `dilemma: test
title: Share step counts
vars:
  recipient: wellness programme
persona: You are a careful person.
values:
  privacy:
    label: Privacy concern
    scale: { min: 1, max: 7 }
    items:
      - { id: pc1, text: I decide who sees my data. }
      - { id: pc2, text: It bothers me to be asked for data. }
  prosocial:
    label: Prosocialness
    scale: { min: 1, max: 5 }
    items:
      - { id: ps1, text: I help others. }
      - { id: ps2, text: I share what I have. }
action:
  prompt: Your employer asks to pass your step counts to the {{recipient}}. Do you agree?
  choices: { share: Agree, decline: Refuse }
  expect:
    privacy: decline
    prosocial: share
variants:
  - name: baseline
  - name: insurer
    vars:
      recipient: health insurer
    values:
      privacy:
        items:
          - { id: pc1, text: I decide which insurer sees my data. }
          - { id: pc2, text: It bothers me to be asked for data. }
`;

describe('compare with baseline: the changed prompts and the modal answers', () => {
  const scenario = parseScenario(SCENARIO).scenario!;
  const items = (pc1: number, ps1: number) => [answer('privacy', 'pc1', pc1), answer('privacy', 'pc2', 4), answer('prosocial', 'ps1', ps1), answer('prosocial', 'ps2', 3)];
  // baseline: pc1 answers 6, 6, 5 -> mode 6 (2/3); action share, share, decline -> share (2/3)
  // insurer:  pc1 answers 2, 7, 2 -> mode 2 (2/3); action decline x3 -> decline (3/3); ps1 1 unparsed -> n 2
  const records = [
    session({ variant: 'baseline', sample: 0, items: items(6, 4), action: 'share' }),
    session({ variant: 'baseline', sample: 1, items: items(6, 4), action: 'share' }),
    session({ variant: 'baseline', sample: 2, items: items(5, 4), action: 'decline' }),
    session({ variant: 'insurer', sample: 0, items: items(2, 4), action: 'decline' }),
    session({ variant: 'insurer', sample: 1, items: items(7, 4), action: 'decline' }),
    session({ variant: 'insurer', sample: 2, items: [answer('privacy', 'pc1', 2), answer('privacy', 'pc2', 4), { item: 'ps1', value: 'prosocial', status: 'unparsed', raw: 'hm', latencyMs: 1 }, answer('prosocial', 'ps2', 3)], action: 'decline' }),
    session({ model: 'other', variant: 'insurer', sample: 0, items: items(1, 1), action: 'share' }),
  ];

  it('counts the modal answer per item and of the action, only over readable answers of the model\'s sessions', () => {
    const got = Object.fromEntries(modalAnswers(records, 'm1', 'insurer').map((a) => [a.question, `${a.answer} ${a.count}/${a.n}`]));
    assert.deepEqual(got, { pc1: '2 2/3', pc2: '4 3/3', ps1: '4 2/2', ps2: '3 3/3', action: 'decline 3/3' });
    assert.equal(modalAnswers(records, 'm1', 'baseline').find((a) => a.question === 'action')!.answer, 'share');
  });

  const docs = variantCompareDocuments(scenario, 'insurer', records, 'm1');

  it('sets the rendered prompts side by side: the system prompt, only the items whose text differs, the action prompt', () => {
    assert.deepEqual(docs.changedItems, ['privacy/pc1']);
    assert.match(docs.baseline, /## Item privacy\/pc1\nI decide who sees my data\.\n/);
    assert.match(docs.variant, /## Item privacy\/pc1\nI decide which insurer sees my data\.\n/);
    // an item both sides ask in the same words is not listed
    assert.ok(!docs.variant.includes('It bothers me'));
    assert.match(docs.baseline, /## System prompt\nYou are a careful person\.\n/);
    assert.match(docs.baseline, /## Action prompt\nYour employer asks to pass your step counts to the wellness programme\. Do you agree\?\n\nChoices:\n- share: Agree\n- decline: Refuse/);
    assert.match(docs.variant, /to the health insurer\. Do you agree\?/);
  });

  it('lists the modal answers separately, one line per question on both sides, so only changed answers differ', () => {
    const answers = (doc: string) => doc.slice(doc.indexOf('# Modal answers')).split('\n').filter((l) => /^\w+: /.test(l));
    assert.deepEqual(answers(docs.baseline), ['pc1: 6 (2/3)', 'pc2: 4 (3/3)', 'ps1: 4 (3/3)', 'ps2: 3 (3/3)', 'action: share (2/3)']);
    assert.deepEqual(answers(docs.variant), ['pc1: 2 (2/3)', 'pc2: 4 (3/3)', 'ps1: 4 (2/2)', 'ps2: 3 (3/3)', 'action: decline (3/3)']);
    assert.match(docs.variant, /# Modal answers: insurer · m1 \(3 sessions\)/);
  });

  it('differs only where the variant changed something: its name, the var, the reworded item and the answers that moved', () => {
    const left = docs.baseline.split('\n'), right = docs.variant.split('\n');
    assert.equal(left.length, right.length, 'the same headings on both sides, line for line');
    const changed = left.map((l, i): [string, string] => [l, right[i] ?? '']).filter(([l, r]) => l !== r);
    assert.deepEqual(changed, [
      ['# Prompts: baseline (rendered for the first persona)', '# Prompts: insurer (rendered for the first persona)'],
      ['I decide who sees my data.', 'I decide which insurer sees my data.'],
      ['Your employer asks to pass your step counts to the wellness programme. Do you agree?', 'Your employer asks to pass your step counts to the health insurer. Do you agree?'],
      ['# Modal answers: baseline · m1 (3 sessions)', '# Modal answers: insurer · m1 (3 sessions)'],
      ['pc1: 6 (2/3)', 'pc1: 2 (2/3)'],
      ['ps1: 4 (3/3)', 'ps1: 4 (2/2)'],
      ['action: share (2/3)', 'action: decline (3/3)'],
    ]);
    // the word diff of the prompt line is the var's value only
    const d = wordDiff(changed[2]![0], changed[2]![1]);
    assert.deepEqual(d.segments.filter((x) => x.kind !== 'equal').map((x) => `${x.kind}:${x.text}`), ['removed:wellness', 'added:health', 'removed:programme', 'added:insurer']);
  });

  it('still compares the prompts before any run, and names an unknown variant', () => {
    const before = variantCompareDocuments(scenario, 'insurer', [], undefined);
    assert.match(before.variant, /health insurer/);
    assert.match(before.variant, /No results yet: run the scenario/);
    assert.match(variantCompareDocuments(scenario, 'nope', records, 'm1').variant, /No variant nope in test/);
  });
});
