import * as fs from 'node:fs';
import * as path from 'node:path';
import type { VaarForm } from '../core/analysis/vaar';
import { itemCsv } from '../core/report/csv';
import { reportJson } from '../core/report/json';
import { reportJunit } from '../core/report/junit';
import { reportMarkdown } from '../core/report/markdown';
import { reportText } from '../core/report/text';
import { analyzeLogFiles, AnalyzeInputError, type AnalyzedLogs } from '../core/workspace/analyzeLogs';
import { flagHelp, parseArgv, UsageError, type CliCommand, type CliIo, type FlagSpec } from './argv';

const FORMATS = ['text', 'json', 'markdown', 'junit', 'csv'] as const;
type Format = (typeof FORMATS)[number];

const flags: readonly FlagSpec[] = [
  { name: 'format', kind: 'string', choices: FORMATS, description: 'text (default), json (docs/report-schema.md), markdown, junit, or csv (item-level data for lavaan, one scenario)' },
  { name: 'out', short: 'o', kind: 'string', description: 'write the report to FILE instead of standard output' },
  { name: 'scenario', kind: 'string', description: 'the scenario file to use instead of the one named in the run header; an edited file re-scores the stored answers when its prompts are the ones the run asked (only expect, arbitration, assert or labels changed), else exit 2 naming the field' },
  { name: 'seed', kind: 'string', description: 'seed of the bootstrap and permutation draws (default 1)' },
  { name: 'bootstrap', kind: 'string', description: 'bootstrap replicates of the path model (default 1000)' },
  { name: 'vaar', kind: 'string', choices: ['confidence', 'sign', 'strict'], description: 'the VAAR form every `assert: vaar` checks, overriding its `form` (default: its `form`, else confidence)' },
  { name: 'help', short: 'h', kind: 'boolean', description: 'show this help' },
];

// Reading and analysing run logs is shared with the editor: core/workspace/analyzeLogs.ts.
export { analyzeLogFiles, AnalyzeInputError, locateScenario, type AnalyzedLogs } from '../core/workspace/analyzeLogs';

const intFlag = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} takes a non-negative integer, not "${v}"`);
  return Number(v);
};

/** `dilemma analyze <run.jsonl...>`: the analysis of run logs as text, JSON, Markdown, JUnit or CSV; exit 1 when an assert fails. */
export const analyzeCommand: CliCommand = {
  summary: 'analyse run logs: divergence, flips, path models, VAAR and the scenario\'s asserts',
  usage: `usage: dilemma analyze <run.jsonl...> [--format text|json|markdown|junit|csv] [--out FILE]\n\n${flagHelp(flags)}\n\nExit code: 0 every assert passed, 1 an assert failed or could not be measured, 2 usage error or unreadable input.`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseArgv(args, flags);
    if (parsed.bool('help')) {
      io.stdout(`${analyzeCommand.usage}\n`);
      return 0;
    }
    if (parsed.positionals.length === 0) throw new UsageError('no run logs given: dilemma analyze <run.jsonl...>');
    const format = (parsed.string('format') ?? 'text') as Format;
    const out = parsed.string('out');
    let result: AnalyzedLogs;
    try {
      result = await analyzeLogFiles(parsed.positionals, io.cwd, {
        seed: intFlag(parsed.string('seed'), 'seed'),
        bootstrap: intFlag(parsed.string('bootstrap'), 'bootstrap'),
        vaarForm: parsed.string('vaar') as VaarForm | undefined,
        scenarioFile: parsed.string('scenario'),
      });
    } catch (e) {
      if (!(e instanceof AnalyzeInputError)) throw e;
      io.stderr(`dilemma analyze: ${e.message}\n`);
      return 2;
    }
    const { analyses } = result;
    let text: string;
    switch (format) {
      case 'json': text = reportJson(analyses, { generatedAt: new Date().toISOString() }); break;
      case 'markdown': text = reportMarkdown(analyses); break;
      case 'junit': text = reportJunit(analyses); break;
      case 'csv': {
        if (result.scenarios.length !== 1) {
          io.stderr(`dilemma analyze: --format csv writes one scenario's items; these logs are of ${result.scenarios.length} scenarios\n`);
          return 2;
        }
        text = itemCsv(result.scenarios[0]!.scenario, result.scenarios[0]!.sessions);
        break;
      }
      default: text = reportText(analyses);
    }
    if (out) {
      fs.mkdirSync(path.dirname(path.resolve(io.cwd, out)), { recursive: true });
      fs.writeFileSync(path.resolve(io.cwd, out), text);
      io.stderr(`dilemma analyze: wrote ${out}\n`);
    } else {
      io.stdout(text);
    }
    if (format !== 'text') for (const a of analyses) for (const w of a.warnings) io.stderr(`warning: ${w}\n`);
    const bad = analyses.some((a) => a.asserts.some((r) => r.status !== 'pass'));
    return bad ? 1 : 0;
  },
};
