import { parseScenario, type ParsedScenario } from '../../../src/core/scenario/parse';

/** A small valid scenario the language-service tests point into. */
export const SCENARIO = `dilemma: fixture
vars:
  recipient: a research registry
  purpose: improve care
persona: |
  You work for {{purpose}}.
values:
  privacy:
    label: Privacy concern
    scale: { min: 1, max: 7 }
    items:
      - I worry about {{recipient}}.
      - text: I share freely.
        reverse: true
  prosocial:
    label: Prosocialness
    scale: { min: 1, max: 5 }
    items:
      - I help others.
action:
  prompt: Send your records to {{recipient}}?
  choices:
    share: Send them
    decline: Keep them
  expect:
    privacy: decline
    prosocial: share
arbitration:
  - when: { recipient: a drug company }
    require: decline
    because: Commercial use needs consent.
  - rank: [privacy, prosocial]
variants:
  - name: baseline
  - name: pharma
    vars: { recipient: a drug company }
  - name: reworded
    action:
      prompt: Would {{recipient}} get your records?
run:
  samples: 3
  session: history
`;

/** Parses `text` after removing the cursor marker `‸`; returns the parse and the marker's offset. */
export function withCursor(text: string): { parsed: ParsedScenario; offset: number } {
  const offset = text.indexOf('‸');
  if (offset < 0) throw new Error('no ‸ marker in the fixture');
  return { parsed: parseScenario(text.slice(0, offset) + text.slice(offset + 1)), offset };
}

/** `SCENARIO` with the marker inserted after the `n`-th occurrence (from 1) of `anchor`. */
export function cursorAfter(anchor: string, n = 1, text = SCENARIO): { parsed: ParsedScenario; offset: number } {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = text.indexOf(anchor, at + 1);
    if (at < 0) throw new Error(`anchor ${anchor} #${n} not in the fixture`);
  }
  const pos = at + anchor.length;
  return withCursor(text.slice(0, pos) + '‸' + text.slice(pos));
}
