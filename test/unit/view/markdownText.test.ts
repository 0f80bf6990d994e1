import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../src/core/scenario/parse';
import { hoverAt } from '../../../src/core/scenario/hover';
import { decorationPlan, variantHover } from '../../../src/core/view/decorationPlan';
import { markdownText } from '../../../src/core/scenario/markdownText';
import { simRun, type SimRun } from './simRun';

// An independent CommonMark renderer with HTML and link autodetection on (the most permissive
// reading): markdown-it, which @vscode/vsce depends on and which VS Code's own Markdown preview uses.
const MarkdownIt = require('markdown-it') as new (o: object) => { render(src: string): string };
const md = new MarkdownIt({ html: true, linkify: true });

/** Texts a model could answer or a cloned repository could hold, each meant to render as markup. */
const HOSTILE = [
  'share ![](https://x.example/b.png) [Open settings](https://x.example)',
  '<img src=x onerror=alert(document.cookie)>',
  '[Run task](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%20-rf%22%7D)',
  '<command:workbench.action.openSettings> <https://x.example/auto>',
  'see https://x.example/p?q=1 or www.x.example or mail a@x.example',
  '`code` *em* _em_ **strong** ~~gone~~ $(zap) &lt;img src=x&gt; | cell | \\[x](y)',
  '[ref]: https://x.example "title" and [ref]',
];

/** Tags the hover builders themselves write (tables, bold, italic, rules, paragraphs); anything else came from the text. */
const OWN_TAGS = new Set(['p', 'strong', 'em', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'hr', 'br']);

const decode = (html: string): string => html.replace(/<[^>]*>/g, ' ').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const squash = (s: string): string => s.replace(/\s+/g, ' ');

/** The hover renders no link, image or HTML of its own text, and shows each hostile text character for character. */
function assertInert(markdown: string, texts: readonly string[]): void {
  const html = md.render(markdown);
  const tags = [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());
  const foreign = tags.filter((t) => !OWN_TAGS.has(t));
  assert.deepEqual(foreign, [], `markup from the text survived: ${html}`);
  assert.doesNotMatch(html, /href=|src=["']?https?:/, html);
  const shown = squash(decode(html));
  for (const t of texts) assert.ok(shown.includes(squash(t)), `"${t}" is not shown as written in ${html}`);
}

describe('markdownText: model and file texts never render as markup', () => {
  it('shows every hostile text as written, inline, with no link, image or HTML', () => {
    for (const t of HOSTILE) assertInert(markdownText(t), [t]);
    // Without it, each of them is markup (the test above would catch them).
    for (const t of HOSTILE.slice(0, 4)) assert.match(md.render(t), /<(a|img)\b/, t);
  });

  it('keeps a multi-line text on one line: no heading, list, quote or code block', () => {
    const t = 'ok\n# Heading\n> quote\n- item\n1. first\n\n    indented code\n===';
    const html = md.render(`**x:** ${markdownText(t)}`);
    assert.doesNotMatch(html, /<(h\d|blockquote|ul|ol|li|pre|code)\b/, html);
    assert.equal((html.match(/<p>/g) ?? []).length, 1, html);
  });
});

describe('hovers built from a hostile scenario file', () => {
  const hostile = HOSTILE[0]!;
  const text = `dilemma: hostile
vars:
  recipient: ${JSON.stringify(HOSTILE[2])}
values:
  privacy:
    label: ${JSON.stringify(HOSTILE[1])}
    items:
      - I worry about {{recipient}}.
action:
  prompt: Send your records to {{recipient}}?
  choices:
    share: Send them
    decline: ${JSON.stringify(hostile)}
  expect:
    privacy: decline
variants:
  - name: baseline
  - name: other
    vars: { recipient: ${JSON.stringify(HOSTILE[4])} }
`;
  const parsed = parseScenario(text);
  const at = (anchor: string, n = 1): number => {
    let i = -1;
    for (let k = 0; k < n; k++) i = text.indexOf(anchor, i + 1);
    assert.ok(i >= 0, anchor);
    return i + 2;
  };

  it('parses (the texts are valid values)', () => assert.ok(parsed.scenario, JSON.stringify(parsed.problems)));

  it('escapes var values in the placeholder hover', () => {
    const h = hoverAt(parsed, at('{{recipient}}', 1) + 2);
    assert.ok(h && h.markdown.includes('| variant | value |'), h?.markdown);
    assertInert(h.markdown, [HOSTILE[2]!, HOSTILE[4]!]);
  });

  it('escapes a value\'s label and a choice\'s label in the reference hover', () => {
    const value = hoverAt(parsed, at('privacy: decline'));
    assert.ok(value, 'a hover on the value name');
    assertInert(value.markdown, [HOSTILE[1]!]);
    const choice = hoverAt(parsed, at('decline', 2));
    assert.ok(choice && choice.markdown.includes('(choice)'), choice?.markdown);
    assertInert(choice.markdown, [hostile]);
  });
});

describe('the variant hover with a hostile answer and a hostile arbitration reason', () => {
  let run: SimRun;
  before(async function () {
    this.timeout(60_000);
    run = await simRun('school-records.dilemma.yaml');
  });

  it('escapes the transcript, the reason, the action and the names', () => {
    const answer = `${HOSTILE[0]} ${HOSTILE[1]}`;
    const reason = `${HOSTILE[3]} ${HOSTILE[5]}`;
    const records = run.records.map((r) => ({ ...r, transcript: r.transcript?.map((m, i, all) => (i === all.length - 1 ? { ...m, content: answer } : m)) }));
    const samples = run.analysis.samples.map((s) => ({ ...s, implied: { ...s.implied, reason } }));
    const stats = run.analysis.perVariant.find((v) => v.stats.variant === run.contrary)!.stats;
    assert.ok(samples.some((s) => s.variant === run.contrary && s.divergent), 'the contrary variant has divergent samples, so the hover shows transcripts');
    const hover = variantHover({ ...stats, model: 'sim/`m` *x*' }, samples.filter((s) => s.variant === run.contrary), records, 'diverging');
    assert.ok(hover.includes('**Arbiter:**') && hover.includes('**assistant:**'), hover);
    assertInert(hover, [answer, reason, 'sim/`m` *x*']);
  });

  it('escapes what the decoration plan hands the editor', () => {
    const answer = HOSTILE[0]!;
    const records = run.records.map((r) => ({ ...r, transcript: r.transcript?.map((m) => (m.role === 'assistant' ? { ...m, content: answer } : m)) }));
    const plan = decorationPlan(run.scenario, run.text, run.analysis, records);
    const mark = plan.variants.find((v) => v.variant === run.contrary)!;
    assert.ok(mark.hover.includes('**assistant:**'), mark.hover);
    assertInert(mark.hover, [answer]);
    for (const c of plan.changed) assertInert(c.hover, [answer]);
  });
});
