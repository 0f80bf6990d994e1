import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { checkScenario } from '../../../src/core/scenario/validate';
import { repoPath } from '../../support/paths';

// Issue 10 §9: the YAML errors scenario authors meet most get a plain hint, and what only follows from a
// YAML error (a var the parser lost, a value read as a mapping) is not reported as a problem of its own.
const example = fs.readFileSync(repoPath('examples', 'health-registry.dilemma.yaml'), 'utf8');
const VAR_LINE = '  recipient: a national public-health research registry';

describe('YAML errors: a plain hint, and no follow-on problems', () => {
  it('says to quote a value that contains ": ", with the quoted line, and the quoted line parses', () => {
    const broken = example.replace(VAR_LINE, '  recipient: registry: national');
    const { problems } = checkScenario(broken);
    assert.deepEqual(problems.map((p) => p.code), ['yaml-syntax'], JSON.stringify(problems.map((p) => p.message)));
    const [p] = problems;
    assert.match(p!.message, /The value of `recipient` contains `: `, which YAML reads as a new key: put the whole value in quotes, `recipient: "registry: national"`/);
    // The fix the hint gives is a file with no problem.
    assert.deepEqual(checkScenario(broken.replace('  recipient: registry: national', '  recipient: "registry: national"')).problems, []);
  });

  it('says to quote a value that starts with a {{placeholder}} (read as a mapping), and drops the type error that follows from it', () => {
    const broken = example.replace('  purpose: improve diabetes treatment for everyone', '  purpose: {{goal}} for everyone');
    const { problems } = checkScenario(broken);
    assert.deepEqual(problems.map((p) => p.code), ['yaml-syntax'], JSON.stringify(problems.map((p) => p.message)));
    assert.match(problems[0]!.message, /The value of `purpose` starts with `\{`, which YAML reads as the start of a mapping \(a `\{\{placeholder\}\}` too\): put the whole value in quotes, `purpose: "\{\{goal\}\} for everyone"`/);
    const persona = checkScenario('dilemma: x\npersona: {{name}} is here\n').problems;
    assert.ok(!persona.some((p) => p.code === 'wrong-type'), `a type error on the line of the YAML error: ${JSON.stringify(persona.map((p) => p.message))}`);
  });

  it('still reports a placeholder whose var is really missing, with or without a YAML error elsewhere', () => {
    const missing = example.replace('  consent: asked\n', '');
    assert.ok(checkScenario(missing).problems.some((p) => p.code === 'undefined-placeholder' && /\{\{consent\}\}/.test(p.message)));
    const alsoBroken = missing.replace(VAR_LINE, '  recipient: registry: national');
    const codes = checkScenario(alsoBroken).problems.map((p) => `${p.code} ${p.message.slice(0, 20)}`);
    assert.ok(codes.some((c) => c.startsWith('undefined-placeholder `{{consent}}`')), JSON.stringify(codes));
    assert.ok(!codes.some((c) => c.startsWith('undefined-placeholder `{{recipient}}`')), JSON.stringify(codes));
  });

  it('gives no hint where the line shows no such value', () => {
    const { problems } = checkScenario('dilemma: x\nvalues:\n  privacy:\n    scale: { min: 1, max: 7\n');
    const yaml = problems.filter((p) => p.code === 'yaml-syntax');
    assert.ok(yaml.length > 0);
    for (const p of yaml) assert.doesNotMatch(p.message, /put the whole value in quotes/);
  });
});
