/**
 * `dilemma export --to promptfoo|inspect <scenario> [--out FILE|DIR] [--variant NAME]... [--guard]`:
 * writes a promptfoo config or an Inspect task asking the turns `dilemma run` asks (see docs/export.md).
 * Exit 0 written, 2 usage error or bad input (unreadable file, a scenario with errors: `file:line:col`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadScenario, ScenarioLoadError } from '../core/analysis/arbitration';
import { PlanError } from '../core/run/plan';
import { exportTurns } from '../core/report/exporters/turns';
import { promptfooConfig } from '../core/report/exporters/promptfoo';
import { inspectDataset, inspectTask, taskName } from '../core/report/exporters/inspect';
import { flagHelp, parseArgv, UsageError, type CliCommand, type CliIo, type FlagSpec } from './argv';

const flags: readonly FlagSpec[] = [
  { name: 'to', short: 't', kind: 'string', choices: ['promptfoo', 'inspect'], description: 'the tool to write for' },
  { name: 'out', short: 'o', kind: 'string', description: 'promptfoo: the config file (default: stdout); inspect: the folder for the task .py and dataset .jsonl (default: <scenario-id>-inspect)' },
  { name: 'variant', kind: 'string', multiple: true, description: 'only this variant (with its perturb family); may be repeated' },
  { name: 'guard', kind: 'boolean', description: 'the guarded twin\'s prompts: the arbitration rules stated as the policy' },
  { name: 'help', short: 'h', kind: 'boolean', description: 'show this help' },
];

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

export const exportCommand: CliCommand = {
  summary: 'write a promptfoo config or an Inspect task that asks a scenario\'s prompts',
  usage: `usage: dilemma export --to promptfoo|inspect <scenario.dilemma.yaml> [--out FILE|DIR] [--variant NAME]... [--guard]\n\n${flagHelp(flags)}\n\nExit code: 0 written; 2 usage error or bad input (unreadable file, scenario errors printed as file:line:col: nothing written).`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseArgv(args, flags);
    if (parsed.bool('help')) {
      io.stdout(`${exportCommand.usage}\n`);
      return 0;
    }
    const to = parsed.string('to');
    if (to === undefined) throw new UsageError('--to promptfoo|inspect is required');
    if (parsed.positionals.length !== 1) throw new UsageError(`give one scenario file, got ${parsed.positionals.length}`);
    const name = parsed.positionals[0]!;
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(io.cwd, name), 'utf8');
    } catch (e) {
      io.stderr(`${name}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})\n`);
      return 2;
    }
    let arbiter;
    try {
      arbiter = loadScenario(text);
    } catch (e) {
      if (!(e instanceof ScenarioLoadError)) throw e;
      for (const p of e.problems) io.stderr(`${name}:${p.line}:${p.column}: ${p.severity}: ${p.message} [${p.code}]\n`);
      return 2;
    }
    const scenario = arbiter.model;
    let turns;
    try {
      const variants = parsed.list('variant');
      turns = exportTurns(scenario, { arbiter, ...(variants.length > 0 ? { variants } : {}), ...(parsed.bool('guard') ? { guard: true } : {}) });
    } catch (e) {
      if (!(e instanceof PlanError)) throw e;
      io.stderr(`dilemma export: ${name}: ${e.message}\n`);
      return 2;
    }
    const source = path.basename(name);
    const out = parsed.string('out');
    if (to === 'promptfoo') {
      const config = promptfooConfig(scenario, turns, source);
      if (out === undefined) io.stdout(config);
      else {
        write(path.resolve(io.cwd, out), config);
        io.stdout(`${scenario.id}: ${turns.length} tests written to ${out}\n`);
      }
    } else {
      const dir = path.resolve(io.cwd, out ?? `${scenario.id}-inspect`);
      const dataset = `${scenario.id}.jsonl`;
      write(path.join(dir, dataset), inspectDataset(turns));
      write(path.join(dir, `${taskName(scenario.id)}.py`), inspectTask(scenario, dataset, source));
      const rel = path.relative(io.cwd, dir);
      const shown = rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? dir : rel;
      io.stdout(`${scenario.id}: ${turns.length} samples written to ${path.join(shown, dataset)}, task ${path.join(shown, `${taskName(scenario.id)}.py`)}\n`);
    }
    return 0;
  },
};
