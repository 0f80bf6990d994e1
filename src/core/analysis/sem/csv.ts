/** A CSV table in the wide layout (one row per respondent, one column per item). */
export interface CsvTable {
  file: string;
  header: string[];
  rows: string[][];
  /** 1-based source line of each row, for error messages. */
  lines: number[];
}

/** A malformed CSV, pointing at file:line. */
export class CsvError extends Error {
  constructor(message: string, readonly file: string, readonly line: number) {
    super(`${file}:${line}: ${message}`);
    this.name = 'CsvError';
  }
}

/**
 * Parses RFC 4180 CSV (comma separator, double-quoted fields with "" escapes, CRLF or LF). The
 * first record is the header; every record must have as many fields as the header; blank lines are
 * skipped.
 */
export function parseCsv(text: string, file: string): CsvTable {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recLine = 1;
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !fieldStarted)) records.push({ fields, line: recLine });
    fields = []; field = ''; fieldStarted = false;
  };
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++;
        const nx = text[i];
        if (nx !== undefined && nx !== ',' && nx !== '\n' && nx !== '\r') throw new CsvError(`unexpected "${nx}" after a closing quote`, file, line);
        continue;
      }
      if (ch === '\n') line++;
      field += ch; i++;
      continue;
    }
    if (ch === '"') {
      if (field !== '') throw new CsvError('a quote inside an unquoted field', file, line);
      quoted = true; fieldStarted = true; i++;
      continue;
    }
    if (ch === ',') { fields.push(field); field = ''; fieldStarted = true; i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') { i++; continue; }
    if (ch === '\n' || ch === '\r') { endRecord(); line++; recLine = line; i++; continue; }
    field += ch; i++;
  }
  if (quoted) throw new CsvError('unterminated quoted field', file, recLine);
  if (field !== '' || fields.length) endRecord();
  const head = records.shift();
  if (!head) throw new CsvError('the file is empty (no header row)', file, 1);
  const header = head.fields.map((h) => h.trim());
  const dup = header.find((h, k) => header.indexOf(h) !== k);
  if (dup !== undefined) throw new CsvError(`column "${dup}" appears twice in the header`, file, head.line);
  for (const r of records) {
    if (r.fields.length !== header.length) {
      throw new CsvError(`expected ${header.length} fields as in the header, found ${r.fields.length}`, file, r.line);
    }
  }
  return { file, header, rows: records.map((r) => r.fields), lines: records.map((r) => r.line) };
}
