import * as fs from 'node:fs';
import * as path from 'node:path';
import { isSeq, LineCounter, parseDocument } from 'yaml';
import { CsvError, parseCsv } from '../core/analysis/sem/csv';
import { importDailyDilemmas } from '../core/scenario/importers/dailydilemmas';
import { DATASETS, ImportRecordError, type Dataset, type ImportedScenario, type SourceRecord } from '../core/scenario/importers/index';
import { importMoralChoice } from '../core/scenario/importers/moralchoice';
import { importValueActionLens } from '../core/scenario/importers/valueactionlens';
import { checkScenario } from '../core/scenario/validate';
import { flagHelp, parseArgv, UsageError, type CliCommand, type CliIo, type FlagSpec } from './argv';

const flags: readonly FlagSpec[] = [
  { name: 'from', kind: 'string', choices: DATASETS, description: 'the data set the file comes from: moralchoice, dailydilemmas or valueactionlens' },
  { name: 'out', kind: 'string', description: 'the directory to write the scenario files to (created if missing)' },
  { name: 'help', short: 'h', kind: 'boolean', description: 'show this help' },
];

/** A file that cannot be read as records, at file:line. */
class RecordFileError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

/** Records of a `.csv` (header row), `.jsonl` (one object a line) or `.json` (an array of objects) file. */
export function readRecords(text: string, file: string): SourceRecord[] {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') {
    try {
      const t = parseCsv(text, file);
      return t.rows.map((row, k) => ({ line: t.lines[k]!, fields: Object.fromEntries(t.header.map((h, c) => [h, row[c]!])) }));
    } catch (e) {
      if (e instanceof CsvError) throw new RecordFileError(e.message.slice(`${file}:${e.line}: `.length), e.line);
      throw e;
    }
  }
  if (ext === '.jsonl') {
    const out: SourceRecord[] = [];
    text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((l, k) => {
      if (l.trim() === '') return;
      let v: unknown;
      try {
        v = JSON.parse(l);
      } catch (e) {
        throw new RecordFileError(`not valid JSON: ${(e as Error).message}`, k + 1);
      }
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new RecordFileError('each line must be a JSON object', k + 1);
      out.push({ line: k + 1, fields: v as Record<string, unknown> });
    });
    return out;
  }
  if (ext === '.json') {
    const lc = new LineCounter();
    const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: lc });
    if (doc.errors.length) {
      const err = doc.errors[0]!;
      throw new RecordFileError(`not valid JSON: ${err.message.split('\n')[0]}`, err.linePos?.[0].line ?? 1);
    }
    if (!isSeq(doc.contents)) throw new RecordFileError('the file must hold a JSON array of records', 1);
    return doc.contents.items.map((item) => {
      const line = lc.linePos(item.range?.[0] ?? 0).line;
      const v: unknown = item.toJSON();
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new RecordFileError('each element must be a JSON object', line);
      return { line, fields: v as Record<string, unknown> };
    });
  }
  throw new UsageError(`${file}: give a .csv, .json or .jsonl file`);
}

const importers: Record<Dataset, (records: readonly SourceRecord[]) => ImportedScenario[]> = {
  moralchoice: importMoralChoice,
  dailydilemmas: importDailyDilemmas,
  valueactionlens: importValueActionLens,
};

/** `dilemma import --from <set> <file> --out <dir>`: one scenario file per dilemma of a published data set. */
export const importCommand: CliCommand = {
  summary: 'turn a MoralChoice, DailyDilemmas or ValueActionLens file into scenario files',
  usage: `usage: dilemma import --from moralchoice|dailydilemmas|valueactionlens <file.csv|.json|.jsonl> --out <dir>\n\n${flagHelp(flags)}\n\nWrites one <set>-<id>.dilemma.yaml per dilemma (an existing file of that name is replaced) and validates each.\nThe fields each set needs: docs/import.md.\nExit code: 0 written, 1 a written file has validation errors, 2 usage error, unreadable file or a malformed record (file:line).`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseArgv(args, flags);
    if (parsed.bool('help')) {
      io.stdout(`${importCommand.usage}\n`);
      return 0;
    }
    const from = parsed.string('from') as Dataset | undefined;
    if (!from) throw new UsageError('say which data set with --from moralchoice|dailydilemmas|valueactionlens');
    const out = parsed.string('out');
    if (!out) throw new UsageError('say where to write with --out <dir>');
    if (parsed.positionals.length !== 1) throw new UsageError(`give exactly one data file, got ${parsed.positionals.length}`);
    const file = parsed.positionals[0]!;
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(io.cwd, file), 'utf8');
    } catch (e) {
      io.stderr(`dilemma import: cannot read ${file}: ${(e as Error).message}\n`);
      return 2;
    }
    let scenarios: ImportedScenario[];
    try {
      const records = readRecords(text, file);
      if (records.length === 0) throw new RecordFileError('no records in the file', 1);
      scenarios = importers[from](records);
    } catch (e) {
      if (e instanceof RecordFileError || e instanceof ImportRecordError) {
        io.stderr(`${file}:${e.line}: error: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
    const dir = path.resolve(io.cwd, out);
    fs.mkdirSync(dir, { recursive: true });
    let errors = 0;
    for (const s of scenarios) {
      fs.writeFileSync(path.join(dir, s.file), s.text);
      const shown = path.join(out, s.file);
      for (const p of checkScenario(s.text).problems.filter((q) => q.severity === 'error')) {
        errors++;
        io.stderr(`${shown}: error: ${p.message} [${p.code}]\n`);
      }
      io.stdout(`${shown}\n`);
    }
    io.stdout(`${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'} written to ${out}${errors ? `, ${errors} validation error${errors === 1 ? '' : 's'}` : ''}\n`);
    return errors ? 1 : 0;
  },
};
