import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { readChoice, readScale } from '../../../src/core/run/answers';
import { repoPath } from '../../support/paths';

// Realistic replies with the reading each must get, written by hand (not from the reader's output):
// refusal-worded answers that still state one, hedges, number words, "6/7", "6 out of 7", quoted
// labels, Markdown bold, other scripts' digits, and two candidates (never guessed).
interface Entry {
  set: string;
  text: string;
  expect: { status: 'ok' | 'unparsed' | 'refused'; value?: number | string };
  why?: string;
}
interface Corpus {
  sets: Record<string, { kind: 'scale'; scale: { min: number; max: number; low?: string; high?: string } } | { kind: 'choice'; choices: { id: string; label: string }[] }>;
  entries: Entry[];
}

describe('answers: the corpus of realistic replies (test/fixtures/answers/corpus.json)', () => {
  const corpus = JSON.parse(fs.readFileSync(repoPath('test', 'fixtures', 'answers', 'corpus.json'), 'utf8')) as Corpus;

  it('holds at least 80 entries covering both kinds and all three readings', () => {
    assert.ok(corpus.entries.length >= 80, `${corpus.entries.length} entries`);
    const kinds = new Set(corpus.entries.map((e) => `${corpus.sets[e.set]!.kind}:${e.expect.status}`));
    for (const k of ['scale:ok', 'scale:unparsed', 'scale:refused', 'choice:ok', 'choice:unparsed', 'choice:refused']) assert.ok(kinds.has(k), k);
  });

  it('reads every entry as expected (all mismatches listed at once)', () => {
    const mismatches: string[] = [];
    for (const e of corpus.entries) {
      const set = corpus.sets[e.set];
      if (!set) {
        mismatches.push(`${JSON.stringify(e.text)}: unknown set ${e.set}`);
        continue;
      }
      let got: { status: string; value?: number | string };
      if (set.kind === 'scale') {
        const r = readScale(e.text, set.scale);
        got = { status: r.status, ...(r.value !== undefined ? { value: r.value } : {}) };
      } else {
        const r = readChoice(e.text, set.choices);
        got = { status: r.status, ...(r.choice !== undefined ? { value: r.choice } : {}) };
      }
      if (got.status !== e.expect.status || got.value !== e.expect.value) {
        mismatches.push(`${e.set} ${JSON.stringify(e.text)}: expected ${JSON.stringify(e.expect)}, got ${JSON.stringify(got)}${e.why ? ` (${e.why})` : ''}`);
      }
    }
    assert.deepEqual(mismatches, [], `${mismatches.length} of ${corpus.entries.length} read wrongly:\n${mismatches.join('\n')}`);
  });
});
