import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { arbitrate, ArbitrationInputError, loadScenario, ScenarioLoadError } from '../../../src/core/analysis/arbitration';
import { repoPath } from '../../support/paths';

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, cwd });
  return { code, out, err };
}

describe('dilemma arbitrate and the arbiter library\'s errors', () => {
  let dir: string;
  const example = fs.readFileSync(repoPath('examples', 'health-registry.dilemma.yaml'), 'utf8');
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-arbitrate-'));
    fs.writeFileSync(path.join(dir, 'ok.dilemma.yaml'), example);
    // An expect naming a choice that does not exist, on line 3 of the action block.
    fs.writeFileSync(path.join(dir, 'bad.dilemma.yaml'), example.replace('    privacy: decline\n', '    privacy: refuse\n'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints the decision as JSON with the deciding rule\'s line and its because', async () => {
    const r = await cli(['arbitrate', 'ok.dilemma.yaml', '--var', 'consent=not asked', '--stated', 'prosocial=5'], dir);
    assert.equal(r.code, 0, r.err);
    const d = JSON.parse(r.out);
    const line = example.split('\n').findIndex((l) => l.includes('- when: { consent: not asked }')) + 1;
    assert.deepEqual(d, { decision: 'decline', rule: { index: 0, kind: 'when', line, column: 5 }, because: 'Consent always overrides aggregate benefit.', by: 'when', values: [] });
  });

  it('lets the rank decide by the stated scores, on each value\'s own scale (held above the midpoint)', async () => {
    // privacy 1..7: 4 is the midpoint, not held; prosocial 1..5: 3.5 is held -> the rank's next value decides.
    const r = await cli(['arbitrate', 'ok.dilemma.yaml', '--stated', 'privacy=4', '--stated', 'prosocial=3.5'], dir);
    const d = JSON.parse(r.out);
    assert.equal(d.decision, 'share');
    assert.equal(d.by, 'rank');
    assert.deepEqual(d.values, ['prosocial']);
    const none = JSON.parse((await cli(['arbitrate', 'ok.dilemma.yaml'], dir)).out);
    assert.deepEqual([none.decision, none.rule, none.by], [null, null, 'undetermined']);
  });

  it('reports every error of the scenario at file:line:col and exits 1', async () => {
    const r = await cli(['arbitrate', 'bad.dilemma.yaml'], dir);
    assert.equal(r.code, 1);
    const line = example.split('\n').findIndex((l) => l === '    privacy: decline') + 1;
    assert.match(r.err, new RegExp(`^bad\\.dilemma\\.yaml:${line}:\\d+: error: .*refuse.*\\[[a-z-]+\\]$`, 'm'));
    assert.equal(r.out, '');
  });

  it('refuses an unknown var, value or variant with a suggestion, a score off its scale, or a malformed pair (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['--var', 'consnt=asked'], /unknown var "consnt" \(did you mean "consent"\?\)/],
      [['--stated', 'privac=3'], /unknown value "privac" \(did you mean "privacy"\?\)/],
      [['--stated', 'privacy=9'], /stated privacy = 9 is not a number on its scale 1\.\.7/],
      [['--stated', 'privacy=high'], /--stated privacy=high: the score must be a number/],
      [['--var', 'consent'], /--var takes NAME=VALUE, got "consent"/],
      [['--variant', 'pharm'], /unknown variant "pharm" \(did you mean "pharma"\?\)/],
      [['--persona', '3'], /persona 3 does not exist; the scenario has 3 persona entries/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(['arbitrate', 'ok.dilemma.yaml', ...args], dir);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, message);
    }
    assert.equal((await cli(['arbitrate', 'missing.dilemma.yaml'], dir)).code, 2);
    assert.equal((await cli(['arbitrate'], dir)).code, 2);
    assert.match((await cli(['arbitrate', '--help'], dir)).out, /usage: dilemma arbitrate <file>/);
  });

  it('the library throws the same errors as typed exceptions, with each problem\'s line and column', () => {
    const bad = example.replace('    privacy: decline\n', '    privacy: refuse\n');
    assert.throws(() => loadScenario(bad), (e: unknown) => {
      assert.ok(e instanceof ScenarioLoadError);
      const line = example.split('\n').findIndex((l) => l === '    privacy: decline') + 1;
      assert.ok(e.problems.some((p) => p.line === line && /refuse/.test(p.message)), JSON.stringify(e.problems));
      return true;
    });
    const s = loadScenario(example);
    assert.deepEqual(s.decisions, ['share', 'decline']);
    assert.deepEqual(s.variants, ['baseline', 'pharma', 'pandemic', 'no-consent', 'reworded']);
    assert.throws(() => arbitrate(s, { stated: { privacy: Number.NaN } }), ArbitrationInputError);
    assert.equal(arbitrate(s, { variant: 'no-consent' }).decision, 'decline', 'a variant\'s vars apply');
    assert.equal(arbitrate(s, { variant: 'no-consent', vars: { consent: 'asked' } }).decision, null, 'given vars override the variant\'s');
  });
});
