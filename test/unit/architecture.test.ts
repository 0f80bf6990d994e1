import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

// The layer rules of docs/architecture.md are lint rules (eslint.config.mjs); this checks that they
// catch what they name, with the project's own config, on texts linted as if they were files there.
const root = path.resolve(__dirname, '..', '..', '..');

async function restricted(file: string, source: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(`${source}\nexport {};\n`, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('architecture: the floors of src/core and the hosts, enforced by lint', function () {
  this.timeout(60_000);

  it('refuses an import from a floor above or beside, and from a host', async () => {
    const cases: [string, string][] = [
      ['src/core/scenario/x.ts', "import '../view/decorationPlan';"],
      ['src/core/scenario/x.ts', "import '../models/chatModel';"],
      ['src/core/models/x.ts', "import '../run/record';"],
      ['src/core/run/x.ts', "import '../analysis/analyzeRun';"],
      ['src/core/analysis/x.ts', "import '../report/csv';"],
      ['src/core/analysis/sem/x.ts', "import '../../report/csv';"],
      ['src/core/report/x.ts', "import '../view/reportModel';"],
      ['src/core/workspace/x.ts', "import '../view/runsTree';"],
      ['src/core/git/x.ts', "import '../view/reportModel';"],
      ['src/core/run/x.ts', "import '../../cli/main';"],
      ['src/core/x.ts', "import '../editor/ids';"],
      ['src/editor/x.ts', "import '../cli/runCommand';"],
      ['src/cli/x.ts', "import '../editor/ids';"],
      ['src/cli/x.ts', "import 'vscode';"],
      ['src/core/report/x.ts', "require('vscode');"],
    ];
    for (const [file, source] of cases) assert.ok((await restricted(file, source)).length > 0, `${file}: ${source} is refused`);
  });

  it('allows the floors below, the leaves, and the core from the hosts', async () => {
    const cases: [string, string][] = [
      ['src/core/run/x.ts', "import '../scenario/model'; import '../models/chatModel'; import '../workspace/layout'; import '../random';"],
      ['src/core/analysis/x.ts', "import '../run/record'; import '../scenario/model'; import './sem/csv';"],
      ['src/core/analysis/sem/x.ts', "import '../../run/record'; import './matrix';"],
      ['src/core/view/x.ts', "import '../report/text'; import '../analysis/analyzeRun'; import '../workspace/runStore'; import '../git/baselineAtRef';"],
      ['src/core/workspace/x.ts', "import '../analysis/analyzeRun'; import '../run/runLog';"],
      ['src/editor/x.ts', "import 'vscode'; import '../core/workspace/runStore';"],
      ['src/cli/x.ts', "import '../core/view/reportModel';"],
    ];
    for (const [file, source] of cases) assert.deepEqual(await restricted(file, source), [], `${file}: ${source} is allowed`);
  });
});
