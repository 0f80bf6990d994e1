import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { parseScenario } from '../../src/core/scenario/parse';
import { decorationPlan } from '../../src/core/view/decorationPlan';
import type { DilemmaLensApi } from '../../src/extension';
import { COMMANDS } from '../../src/editor/ids';
import { bound, openWorkspaceFile, waitFor } from './support';

// The launcher (test/e2e/exthost.mjs) starts an OpenAI-compatible test server with a simulated
// respondent (`sim-mixed`: acts against its stated values on the variants in DILEMMA_TEST_DIVERGING).
const FAST = process.env.DILEMMA_TEST_SERVER_URL ?? '';
const MODEL = process.env.DILEMMA_TEST_MODEL ?? 'sim-mixed';

const TONES = ['agree', 'mixed', 'against', 'none'] as const;

describe('stated versus action on the lines that state it', function () {
  this.timeout(bound(90_000));
  let dl: DilemmaLensApi;

  before(async () => {
    assert.ok(FAST, 'the launcher passes the test server\'s URL');
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'dilemma-lens');
    assert.ok(ext, 'the extension is loaded');
    dl = (await ext.activate()) as DilemmaLensApi;
    await vscode.workspace.getConfiguration().update('dilemmaLens.providers', [{ id: 'sim', baseUrl: FAST, apiKeyRequired: false }], vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration().update('dilemmaLens.providers', undefined, vscode.ConfigurationTarget.Global);
  });

  it('marks each value line, expect entry and arbitration rule after a run, with the counts of the run\'s analysis', async () => {
    const editor = await openWorkspaceFile('**/school-records.dilemma.yaml');
    const doc = editor.document;
    const uri = doc.uri;
    await dl.selection.set([`sim/${MODEL}`]);
    const outcome = await vscode.commands.executeCommand<Awaited<ReturnType<DilemmaLensApi['runs']['run']>>>(COMMANDS.runScenario, uri.toString());
    assert.ok(outcome, 'the run produced an outcome');
    const results = dl.results.get(uri)!;
    const scenario = parseScenario(doc.getText()).scenario!;
    const plan = decorationPlan(scenario, doc.getText(), results.analysis!, results.records, undefined, undefined, results.labelOf);
    const final = JSON.stringify(plan.stated.map((m) => m.text));
    // Passes are throttled while sessions arrive: wait for the pass that shows the final results.
    const applied = await waitFor(() => {
      const a = dl.decorations.appliedTo(uri);
      return a && JSON.stringify(TONES.flatMap((t) => a[`stated-${t}`]).sort((x, y) => x.line - y.line).map((d) => d.text)) === final ? a : undefined;
    }, 'the stated-versus-action marks of the final results');

    const markOn = (offset: number): { tone: string; text: string } | undefined => {
      const line = doc.positionAt(offset).line;
      for (const tone of TONES) {
        const d = applied[`stated-${tone}`].find((x) => x.line === line);
        if (d) return { tone, text: d.text! };
      }
      return undefined;
    };
    const samples = results.analysis!.samples;
    for (const value of scenario.values) {
      for (const at of [value.nameRange.start, scenario.action!.expect.find((e) => e.value === value.name)!.valueRange.start]) {
        const mark = markOn(at);
        assert.ok(mark, `line ${doc.positionAt(at).line + 1} (${value.name}) carries a mark`);
        // held / scored, counted here from the run's per-session analysis
        const scored = samples.filter((s) => s.scores[value.name]);
        const held = scored.filter((s) => s.scores[value.name]!.held).length;
        assert.match(mark.text, new RegExp(`^held ${held}/${scored.length} -> (high|low)( · acted \\S+ \\d+/\\d+ [✓~✗])?$`), mark.text);
        // the tone is the one the share on the line gives (school-records has no divergence assert: limit 0)
        const m = /(\d+)\/(\d+) [✓~✗]$/.exec(mark.text);
        if (m) {
          const share = Number(m[1]) / Number(m[2]);
          assert.equal(mark.tone, share === 0 ? 'agree' : share > 0.5 ? 'against' : 'mixed', mark.text);
        }
      }
    }
    for (const [i, rule] of scenario.arbitration.entries()) {
      const mark = markOn(rule.range.start);
      assert.ok(mark, `rule ${i + 1} carries a mark`);
      const decided = samples.filter((s) => s.implied.rule === i && (s.implied.by === 'when' || s.implied.by === 'rank'));
      assert.ok(mark.text.startsWith(`decided ${decided.length}/${samples.length}`), mark.text);
    }
    // The respondent acts against its values on some variant: some mark shows it.
    assert.ok(TONES.slice(1, 3).some((t) => applied[`stated-${t}`].length > 0), 'a mixed or against mark');
  });
});
