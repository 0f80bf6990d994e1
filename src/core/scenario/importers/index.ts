import { stringify } from 'yaml';

/**
 * Converters from published dilemma data sets to scenario files (`dilemma import`). Pure: records in,
 * scenario YAML text out. Every text taken from the data goes through the `yaml` package's
 * `stringify`, so no record can break the file or inject keys; the situation goes into a var
 * (`situation`) rather than into the prompt template, so a `{{` in the data is never read as a
 * placeholder.
 */

/** One record of a data set file, with the 1-based line it starts on. */
export interface SourceRecord {
  line: number;
  fields: Readonly<Record<string, unknown>>;
}

/** One scenario file to write: its file name (no directory) and its YAML text. */
export interface ImportedScenario {
  file: string;
  text: string;
}

/** A record the importer cannot use, at its line. */
export class ImportRecordError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
    this.name = 'ImportRecordError';
  }
}

export const DATASETS = ['moralchoice', 'dailydilemmas', 'valueactionlens'] as const;
export type Dataset = (typeof DATASETS)[number];

/** A required text field of a record (trimmed, non-empty), or an `ImportRecordError` at its line. */
export function requiredText(r: SourceRecord, ...names: string[]): string {
  for (const n of names) {
    const v = r.fields[n];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number') return String(v);
  }
  throw new ImportRecordError(`missing or empty field ${names.map((n) => `"${n}"`).join(' / ')}`, r.line);
}

/** An optional text field, trimmed, or undefined. */
export function optionalText(r: SourceRecord, name: string): string | undefined {
  const v = r.fields[name];
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** A scenario name (letters, digits, `-`, `_`) made from any text. */
export function slug(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  return s === '' ? 'x' : s;
}

/** Generic questionnaire items for a value a data set names but does not measure. */
export function genericItems(name: string): (string | { text: string; reverse: true })[] {
  const label = literal(name);
  return [
    `${capitalise(label)} is important to me.`,
    `When I decide what to do, I think about ${label}.`,
    { text: `I would set ${label} aside when it gets in the way.`, reverse: true },
  ];
}

/** Text for a template (an item) that must not contain a placeholder: `{{` becomes `{ {`. */
export function literal(text: string): string {
  return text.replace(/\{\{/g, '{ {');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const AGREE_SCALE = { min: 1, max: 7, low: 'Strongly disagree', high: 'Strongly agree' } as const;

/** A comment line: one line, no control characters, so nothing from the data can end the comment. */
export function commentLine(text: string): string {
  return `# ${text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')}`;
}

/** The file text: comment lines, then the document through `yaml`'s stringify. */
export function emit(comments: readonly string[], doc: Record<string, unknown>): string {
  return `${comments.map(commentLine).join('\n')}\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** A scenario before it is written: its header comment lines and its document (`dilemma` set by `finish`). */
export interface BuiltScenario {
  name: string;
  comments: string[];
  doc: Record<string, unknown>;
}

/**
 * Gives each scenario a unique name in input order (a repeated `x` becomes `x-2`, `x-3`, skipping names
 * already taken), uses it as both the `dilemma` id and the file name, and writes the text.
 */
export function finish(built: readonly BuiltScenario[]): ImportedScenario[] {
  const taken = new Set<string>();
  return built.map((b) => {
    let name = b.name;
    for (let k = 2; taken.has(name); k++) name = `${b.name}-${k}`;
    taken.add(name);
    return { file: `${name}.dilemma.yaml`, text: emit(b.comments, { dilemma: name, ...b.doc }) };
  });
}
