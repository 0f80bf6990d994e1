import * as assert from 'node:assert/strict';
import { contradictedLines, divergenceDocument } from '../../../src/core/view/divergenceDocument';
import { pickSession, transcriptDocument } from '../../../src/core/view/transcriptDocument';
import { simRun, type SimRun } from './simRun';

describe('divergence document and transcripts', () => {
  let run: SimRun;
  before(async function () {
    this.timeout(60_000);
    run = await simRun('school-records.dilemma.yaml');
  });

  it('sets each sample\'s stated answers beside its action and marks the contradicted statements only in diverging samples', () => {
    const doc = divergenceDocument(run.scenario, run.analysis, run.records, run.contrary);
    const samples = run.analysis.samples.filter((s) => s.variant === run.contrary);
    const sections = doc.split('\n## Sample ').slice(1);
    assert.equal(sections.length, samples.length);
    assert.equal(sections.filter((s) => /^\d+(, persona \d+)?: DIVERGES/.test(s)).length, samples.filter((s) => s.divergent).length);
    for (const s of sections) {
      if (!/: DIVERGES/.test(s.split('\n')[0]!)) assert.ok(!s.includes('⚠'), 'a non-diverging sample has no contradiction mark');
      assert.ok(s.includes('**Action taken:**') && s.includes('**Implied by the values:**'));
    }
    // every item answer of the first sample appears under its value
    const first = run.records.find((r) => r.key === samples[0]!.key)!;
    for (const a of first.items.filter((i) => i.status === 'ok')) assert.ok(sections.some((s) => s.includes(`    - ${a.answer} · `)));
    assert.ok(sections.some((s) => s.includes('⚠ contradicted by the action')));
    // the lines to highlight are exactly those with the mark
    const lines = doc.split('\n');
    assert.deepEqual(contradictedLines(doc), lines.flatMap((l, i) => (l.includes('⚠') ? [i] : [])));
  });

  it('says when a variant has no results', () => {
    assert.match(divergenceDocument(run.scenario, { ...run.analysis, perVariant: [] }, [], 'baseline'), /No results for this variant yet/);
  });

  it('renders a session transcript turn by turn for the diff editor, the same sample on both sides', () => {
    const model = run.analysis.models[0]!;
    const base = pickSession(run.records, model, 'baseline', 0, 1)!;
    const variant = pickSession(run.records, model, run.contrary, 0, 1)!;
    assert.deepEqual([base.sample, variant.sample, variant.variant], [1, 1, run.contrary]);
    const text = transcriptDocument(variant, run.contrary);
    for (const m of variant.transcript ?? []) assert.ok(text.includes(`## ${m.role}\n${m.content.trim()}`));
    assert.match(transcriptDocument(undefined, 'x'), /No session of x/);
  });
});
