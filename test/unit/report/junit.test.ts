import * as assert from 'node:assert/strict';
import { reportJunit } from '../../../src/core/report/junit';
import { sampleAnalysis } from './sampleAnalysis';

describe('the JUnit report', () => {
  const xml = reportJunit([sampleAnalysis()]);
  const cases = [...xml.matchAll(/<testcase name="([^"]+)"[^>]*>([\s\S]*?)<\/testcase>/g)].map((m) => ({ name: m[1]!, body: m[2]! }));

  it('has one testsuite per scenario with a testcase per assert x model and per variant x model', () => {
    assert.equal((xml.match(/<testsuite /g) ?? []).length, 1);
    // 3 asserts x 2 models + 2 variants x 2 models
    assert.equal(cases.length, 10);
    assert.match(xml, /<testsuite name="test" tests="10" failures="3" errors="1"/);
  });

  it('gives failures with expected and actual, and unmeasurable metrics as errors', () => {
    const div = cases.find((c) => c.name === 'divergence [m2]')!;
    assert.match(div.body, /<failure message="[^"]*" type="AssertionError">expected: divergence &lt;= 0.2\nactual: 0.75\nn: 24\nat: test.dilemma.yaml:3:15<\/failure>/);
    assert.match(cases.find((c) => c.name === 'vaar [m2]')!.body, /<error message="vaar could not be measured/);
    assert.match(cases.find((c) => c.name === 'divergence of pharma [m2]')!.body, /<failure/);
    assert.doesNotMatch(cases.find((c) => c.name === 'divergence of pharma [m1]')!.body, /<failure|<error/);
  });

  it('is well-formed enough for CI parsers: escaped attributes, balanced tags', () => {
    assert.equal((xml.match(/<testcase /g) ?? []).length, (xml.match(/<\/testcase>/g) ?? []).length);
    assert.doesNotMatch(xml.replace(/<[^>]+>/g, ''), /[<>]/);
  });
});
