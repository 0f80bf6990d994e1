import * as fs from 'fs';
import * as path from 'path';
import { checkScenario } from '../core/scenario/validate';
import { flagHelp, parseArgv, UsageError, type CliCommand, type CliIo, type FlagSpec } from './argv';
import { locate } from './location';

const flags: readonly FlagSpec[] = [
  { name: 'format', kind: 'string', choices: ['text', 'json'], description: 'text (default): one `file:line:col: severity: message [code]` line per problem; json: an array' },
  { name: 'help', short: 'h', kind: 'boolean', description: 'show this help' },
];

/** One problem as the CLI reports it (the JSON output is an array of these). */
export interface ReportedProblem {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

const SCENARIO_FILE = /\.dilemma\.ya?ml$/;

/** Expands directories to the scenario files below them; plain files are taken as given. */
function expand(arg: string, cwd: string): string[] {
  const abs = path.resolve(cwd, arg);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    return [arg];
  }
  if (!stat.isDirectory()) return [arg];
  const found: string[] = [];
  const walk = (dir: string, shown: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      if (e.isDirectory()) walk(path.join(dir, e.name), path.join(shown, e.name));
      else if (SCENARIO_FILE.test(e.name)) found.push(path.join(shown, e.name));
    }
  };
  walk(abs, arg);
  if (!found.length) throw new UsageError(`no *.dilemma.yaml files in directory ${arg}`);
  return found;
}

/** `dilemma validate <files...>`: checks scenario files; exit 1 when any has an error, 2 for usage errors. */
export const validateCommand: CliCommand = {
  summary: 'check scenario files and print every problem with its place',
  usage: `usage: dilemma validate <files or directories...> [--format text|json]\n\n${flagHelp(flags)}\n\nExit code: 0 no errors (warnings allowed), 1 errors found, 2 usage error or unreadable file.`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseArgv(args, flags);
    if (parsed.bool('help')) {
      io.stdout(`${validateCommand.usage}\n`);
      return 0;
    }
    if (parsed.positionals.length === 0) throw new UsageError('no files given: dilemma validate <files...>');
    const files = parsed.positionals.flatMap((a) => expand(a, io.cwd));
    const format = parsed.string('format') ?? 'text';
    const reported: ReportedProblem[] = [];
    let unreadable = 0;
    for (const file of files) {
      let text: string;
      try {
        text = await fs.promises.readFile(path.resolve(io.cwd, file), 'utf8');
      } catch (e) {
        unreadable++;
        const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory' : (e as Error).message;
        io.stderr(`dilemma validate: cannot read ${file}: ${reason}\n`);
        continue;
      }
      // Editors drop a byte-order mark from the document text; dropping it here keeps columns the same as theirs.
      const { parsed: doc, problems } = checkScenario(text.replace(/^\uFEFF/, ''));
      for (const p of problems) {
        reported.push({ file, ...locate(doc.lineCounter, p.range), severity: p.severity, code: p.code, message: p.message });
      }
    }
    const errors = reported.filter((r) => r.severity === 'error').length;
    const warnings = reported.filter((r) => r.severity === 'warning').length;
    const checked = files.length - unreadable;
    const summary = `${checked} file${checked === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${unreadable ? `, ${unreadable} unreadable` : ''}`;
    if (format === 'json') {
      io.stdout(`${JSON.stringify(reported, null, 2)}\n`);
      io.stderr(`${summary}\n`);
    } else {
      for (const r of reported) io.stdout(`${r.file}:${r.line}:${r.column}: ${r.severity}: ${r.message} [${r.code}]\n`);
      io.stdout(`${summary}\n`);
    }
    if (unreadable) return 2;
    return errors ? 1 : 0;
  },
};
