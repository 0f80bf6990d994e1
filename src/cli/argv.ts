import { closest } from '../core/scenario/suggest';

/** A command-line flag a command accepts. */
export interface FlagSpec {
  /** Long name without dashes, e.g. `format` for `--format`. */
  name: string;
  /** `boolean` flags take no value (`--json`, or `--json=false`); `string` flags take one. */
  kind: 'boolean' | 'string';
  /** A one-letter alias, e.g. `h` for `-h`. */
  short?: string;
  /** A string flag that may be given several times; its values are collected in order. */
  multiple?: boolean;
  /** The only values a string flag accepts. */
  choices?: readonly string[];
  /** One line for `--help`. */
  description: string;
}

/** What `parseArgv` found: flag values by long name, and the positional arguments in order. */
export interface ParsedArgv {
  positionals: string[];
  /** True when a boolean flag was given (and not as `=false`). */
  bool(name: string): boolean;
  /** The last value of a string flag, or undefined. */
  string(name: string): string | undefined;
  /** Every value of a string flag, in order. */
  list(name: string): string[];
}

/** A mistake in how the command was called: the CLI prints the message and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What every CLI command module provides; `main.ts` maps command names to these. */
export interface CliCommand {
  /** One line for the command list in `dilemma --help`. */
  summary: string;
  /** The usage line(s) and flag descriptions for `dilemma <command> --help`. */
  usage: string;
  /** Runs the command and resolves to the process exit code. Throws UsageError for usage mistakes. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** The CLI's connection to the outside world, injected so that tests can capture it. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

/**
 * Parses command-line arguments against flag specs: `--name value`, `--name=value`, `-x`, boolean flags,
 * repeated flags, and `--` (everything after it is positional). Unknown flags and missing or invalid
 * values throw UsageError with a message that names the flag.
 */
export function parseArgv(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgv {
  const byName = new Map(specs.map((s) => [s.name, s] as const));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s] as const));
  const values = new Map<string, string[]>();
  const bools = new Map<string, boolean>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') { positionals.push(...argv.slice(i + 1)); break; }
    if (!arg.startsWith('-') || arg === '-') { positionals.push(arg); continue; }
    const long = arg.startsWith('--');
    const eq = arg.indexOf('=');
    const written = eq >= 0 ? arg.slice(0, eq) : arg;
    const spec = long ? byName.get(written.slice(2)) : written.length === 2 ? byShort.get(written.slice(1)) : undefined;
    if (!spec) {
      const bare = written.replace(/^-+/, '');
      const names = specs.map((s) => s.name);
      const near = long ? (names.find((n) => bare.length > 1 && (n.startsWith(bare) || bare.startsWith(n))) ?? closest(bare, names)) : undefined;
      throw new UsageError(`unknown flag ${written}${near ? ` (did you mean --${near}?)` : ''}`);
    }
    if (spec.kind === 'boolean') {
      if (eq < 0) { bools.set(spec.name, true); continue; }
      const v = arg.slice(eq + 1);
      if (v !== 'true' && v !== 'false') throw new UsageError(`${written} takes no value, or =true / =false; got "${v}"`);
      bools.set(spec.name, v === 'true');
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) throw new UsageError(`${written} needs a value`);
      value = next;
      i++;
    }
    if (spec.choices && !spec.choices.includes(value)) throw new UsageError(`${written} must be one of ${spec.choices.join(', ')}; got "${value}"`);
    const list = values.get(spec.name) ?? [];
    if (list.length && !spec.multiple) throw new UsageError(`${written} was given more than once`);
    list.push(value);
    values.set(spec.name, list);
  }
  const known = (name: string, kind: FlagSpec['kind']) => {
    const s = byName.get(name);
    if (!s || s.kind !== kind) throw new Error(`no ${kind} flag --${name} is declared`);
  };
  return {
    positionals,
    bool: (name) => { known(name, 'boolean'); return bools.get(name) ?? false; },
    string: (name) => { known(name, 'string'); return values.get(name)?.at(-1); },
    list: (name) => { known(name, 'string'); return [...(values.get(name) ?? [])]; },
  };
}

/** Formats flag specs as aligned help lines. */
export function flagHelp(specs: readonly FlagSpec[]): string {
  const heads = specs.map((s) => `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.kind === 'string' ? ` <${s.choices ? s.choices.join('|') : 'value'}>` : ''}`);
  const width = Math.max(0, ...heads.map((h) => h.length)) + 2;
  return specs.map((s, i) => `  ${heads[i]!.padEnd(width)}${s.description}${s.multiple ? ' (repeatable)' : ''}`).join('\n');
}
