import * as assert from 'node:assert/strict';
import { reportMarkdown } from '../../../src/core/report/markdown';
import { sampleAnalysis } from './sampleAnalysis';

describe('the Markdown report', () => {
  const md = reportMarkdown([sampleAnalysis()]);

  it('has an assert table whose rows give the actual value, its n and the threshold\'s file:line:col', () => {
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && l.includes('test.dilemma.yaml:'));
    assert.equal(rows.length, 6);
    const m2div = rows.find((r) => r.includes('| divergence | m2 |'))!;
    // m2 diverges in 18 of 24 samples
    assert.match(m2div, /^\| ❌ \| divergence \| m2 \| ≤ 0\.2 \| 0\.75 \| 24 \| test\.dilemma\.yaml:3:15 \|$/);
    assert.match(md, /\| ⚠️ \| vaar \| m2 \|.*no variance in privacy/);
  });

  it('names the form, source model and n of every VAAR, and says why a model was not fitted', () => {
    // Chance baselines: 2 of 2 paths with the expected sign, P(Bin(2, 1/2) >= 2) = 0.25; 1 of 2 strict,
    // P(Bin(2, .025) >= 1) = 1 - .975^2 = 0.049375.
    assert.match(md, /1\.00 \(sign form, composite model, 2\/2 paths, n = 24; chance p = 0\.25 \(binomial, 1\/2 per path\)\)/);
    assert.match(md, /0\.50 \(strict form, composite model, 1\/2 paths, n = 24; chance p = 0\.049 \(binomial, 0\.025 per path\)\)/);
    assert.match(md, /\(confidence form, composite model, 2 paths, n = 24; chance p = [0-9.<]+[^)]*\(Irwin-Hall\); log-loss [0-9.]+, chance p = /);
    assert.match(md, /Composite path model \(logistic\): \*\*not fitted\*\*: no variance/);
    assert.match(md, /\| m1 \| pharma \| 12 \| share 6, decline 6 \| 0\.50 \(6\/12\)/);
  });

  it('shows prompt changes inline and keeps every table row on one line', () => {
    assert.match(md, /\*\*pharma\*\*: Share with a ~~registry~~\*\*drug company\*\*\?/);
    for (const line of md.split('\n').filter((l) => l.startsWith('|'))) assert.ok(line.endsWith('|'), line);
  });
});
