import * as assert from 'node:assert/strict';
import { analyzeRun } from '../../../src/core/analysis/analyzeRun';
import { fitPathModel, type PathModelFit } from '../../../src/core/analysis/pathModel';
import { isVaarValue } from '../../../src/core/analysis/vaar';
import type { RunHeader } from '../../../src/core/run/record';
import { reportJson } from '../../../src/core/report/json';
import { reportMarkdown } from '../../../src/core/report/markdown';
import { reportText } from '../../../src/core/report/text';
import { scenario, simple } from '../analysis/fixtures';
import { sampleAnalysis } from './sampleAnalysis';

describe('the Firth path model in the reports', () => {
  it('prints which fit was used and the failed bootstrap resamples next to the interval in text, Markdown and JSON', () => {
    const a = sampleAnalysis();
    // A design whose resamples fail about a third of the time (the second value varies in one sample only).
    const x = Array.from({ length: 12 }, (_, i) => [(i * 5) % 12, i === 11 ? 1 : 0]);
    const y = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1];
    const fit = fitPathModel('m1', { kind: 'logistic', values: ['privacy', 'prosocial'], expected: [1, -1], x, y, coding: 'test coding' }, { bootstrap: 100, seed: 2 }) as PathModelFit;
    assert.ok(fit.bootstrap.failed > 0);
    const m1 = a.perModel[0]!;
    Object.defineProperty(m1, 'pathModel', { value: fit, enumerable: true, configurable: true });
    const count = `${fit.bootstrap.used} of 100 resamples fitted, ${fit.bootstrap.failed} failed (${fit.bootstrap.failed}: `;
    const text = reportText([a]);
    assert.ok(text.includes(count), text);
    assert.match(text, /path model: Firth's bias-reduced logistic regression \(the data are separated/);
    const md = reportMarkdown([a]);
    assert.ok(md.includes(count), md);
    assert.match(md, /\| 95% bootstrap CI \| resamples \|/);
    const json = JSON.parse(reportJson([a]));
    const pm = json.scenarios[0].perModel[0].pathModel;
    assert.equal(pm.estimator, 'firth');
    assert.equal(pm.bootstrap.failed, fit.bootstrap.failed);
    assert.equal(pm.bootstrap.used + pm.bootstrap.failed, 100);
    assert.match(pm.bootstrap.failures[0].reason, /collinear/);
  });

  it('gives a perfectly separated aligned respondent a VAAR number, not "not measured", and says the data are separated', () => {
    // 20 samples; the action is decline exactly when the stated privacy (1..7) outweighs prosocialness
    // (1..5) on their scales: complete separation, so the ML estimate would be infinite.
    const s = scenario({ assert: [{ metric: 'vaar', min: 0.5, range: { start: 0, end: 1 } }] });
    const sessions = Array.from({ length: 20 }, (_, i) => {
      const p = 1 + (i % 7);
      const q = 1 + ((i * 3) % 5);
      return simple([p, 8 - p], [q, q], (p - 1) / 6 > (q - 1) / 4 ? 'decline' : 'share', { sample: i });
    });
    const header: RunHeader = { v: 1, kind: 'run', runId: 'r1', scenario: 'test', file: 'test.dilemma.yaml', scenarioHash: 'h', models: ['m1'], variants: ['baseline'], personas: 0, samples: 20, startedAt: '2026-01-01T00:00:00Z' };
    const a = analyzeRun(s, [{ header, sessions }], { bootstrap: 100 });
    const m = a.perModel[0]!;
    assert.equal(m.pathModel.ok, true, 'ok' in m.pathModel && !m.pathModel.ok ? m.pathModel.failure : '');
    const fit = m.pathModel as PathModelFit;
    assert.equal(fit.estimator, 'firth');
    assert.match(fit.separation ?? '', /separation/);
    assert.deepEqual([fit.bootstrap.used, fit.bootstrap.failed], [100, 0]);
    assert.ok(isVaarValue(m.vaar.sign), JSON.stringify(m.vaar.sign));
    assert.equal((m.vaar.sign as { vaar: number }).vaar, 1, 'privacy pulls towards decline, prosocialness away from it');
    assert.equal(a.asserts[0]!.status, 'pass');
    assert.match(reportText([a]), /the data are separated: the ML estimate does not exist/);
  });
});
