/**
 * A benchmark suite on disk (docs/bench.md): a folder with a `suite.json` that names its version and
 * its conflicts, each a list of scenario files relative to the folder. `dilemma bench` also takes a
 * plain folder (every `*.dilemma.yaml` below it, the conflict being each file's folder name) or files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The file that makes a folder a suite. */
export const SUITE_FILE = 'suite.json';

/** One conflict of a suite: an id and its scenario files (absolute paths). */
export interface SuiteConflict {
  id: string;
  title?: string;
  files: string[];
}

/** A suite as read from its `suite.json`. */
export interface BenchSuite {
  name: string;
  version: string;
  title?: string;
  /** The folder the suite file is in. */
  dir: string;
  conflicts: SuiteConflict[];
}

/** A suite file that cannot be used: the message names the file (and the entry). */
export class SuiteError extends Error {
  override readonly name = 'SuiteError';
}

const isScenarioFile = (name: string): boolean => /\.dilemma\.ya?ml$/.test(name) && !/\.dilemma\.gen\.ya?ml$/.test(name);

/** Reads and checks `<dir>/suite.json`. Throws `SuiteError` for bad JSON, missing fields or a missing scenario file. */
export function readSuite(dir: string): BenchSuite {
  const file = path.join(dir, SUITE_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SuiteError(`${file}: ${(err as Error).message}`);
  }
  const o = raw as { name?: unknown; version?: unknown; title?: unknown; conflicts?: unknown };
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new SuiteError(`${file}: not a JSON object`);
  if (typeof o.name !== 'string' || !o.name) throw new SuiteError(`${file}: "name" must be a non-empty string`);
  if (typeof o.version !== 'string' || !/^\d+\.\d+\.\d+$/.test(o.version)) throw new SuiteError(`${file}: "version" must be a version such as "1.0.0"`);
  if (!Array.isArray(o.conflicts) || o.conflicts.length === 0) throw new SuiteError(`${file}: "conflicts" must be a non-empty list`);
  const ids = new Set<string>();
  const conflicts = o.conflicts.map((c: unknown, i: number): SuiteConflict => {
    const e = c as { id?: unknown; title?: unknown; scenarios?: unknown };
    const where = `${file}: conflicts[${i}]`;
    if (!e || typeof e.id !== 'string' || !e.id) throw new SuiteError(`${where}: "id" must be a non-empty string`);
    if (ids.has(e.id)) throw new SuiteError(`${where}: the id "${e.id}" is used twice`);
    ids.add(e.id);
    if (!Array.isArray(e.scenarios) || e.scenarios.length === 0 || !e.scenarios.every((s) => typeof s === 'string')) {
      throw new SuiteError(`${where}: "scenarios" must be a non-empty list of file paths`);
    }
    const files = (e.scenarios as string[]).map((s) => {
      const f = path.resolve(dir, s);
      if (!fs.existsSync(f)) throw new SuiteError(`${where}: no such scenario file "${s}"`);
      return f;
    });
    return { id: e.id, ...(typeof e.title === 'string' ? { title: e.title } : {}), files };
  });
  return { name: o.name, version: o.version, ...(typeof o.title === 'string' ? { title: o.title } : {}), dir, conflicts };
}

/** What `dilemma bench` runs: the scenario files in order, each file's conflict, and the suites they came from. */
export interface BenchInputs {
  files: string[];
  /** Absolute file path to conflict id. */
  conflictOf: Map<string, string>;
  suites: BenchSuite[];
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules')
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : isScenarioFile(e.name) ? [path.join(dir, e.name)] : []));
}

/**
 * The scenario files behind the arguments: a folder with `suite.json` gives the suite's files and
 * conflicts; another folder every scenario below it, with its folder's name as the conflict; a file itself.
 * A file named twice is run once. Throws `SuiteError` for a path that does not exist.
 */
export function benchInputs(args: readonly string[], cwd: string): BenchInputs {
  const out: BenchInputs = { files: [], conflictOf: new Map(), suites: [] };
  const add = (file: string, conflict: string): void => {
    if (out.conflictOf.has(file)) return;
    out.files.push(file);
    out.conflictOf.set(file, conflict);
  };
  for (const a of args) {
    const p = path.resolve(cwd, a);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new SuiteError(`${a}: no such file or folder`);
    }
    if (!stat.isDirectory()) {
      add(p, path.basename(path.dirname(p)));
      continue;
    }
    if (fs.existsSync(path.join(p, SUITE_FILE))) {
      const suite = readSuite(p);
      out.suites.push(suite);
      for (const c of suite.conflicts) for (const f of c.files) add(f, c.id);
      continue;
    }
    const found = walk(p);
    if (found.length === 0) throw new SuiteError(`${a}: no *.dilemma.yaml file in this folder`);
    for (const f of found) add(f, path.basename(path.dirname(f)));
  }
  return out;
}
