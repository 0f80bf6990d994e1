import type { Span } from '../../scenario/model';

/**
 * The lavaan model-syntax subset the engine reads: `=~` (loadings), `~` (latent regressions),
 * `~~` (variances and covariances), `#`/`!` comments, statements split by newlines or `;`, a
 * statement continuing onto the next line after a trailing `+` or operator, and numeric
 * modifiers (`1*x` fixes, `NA*x` frees).
 */
export type SemOp = '=~' | '~' | '~~';

/** A variable name with where it was written. */
export interface SemName {
  name: string;
  span: Span;
  line: number;
  col: number;
}

/** One right-hand term: a variable, optionally fixed to a value (`0.5*x`) or explicitly freed (`NA*x`). */
export interface SemTerm extends SemName {
  fixed?: number;
  free?: boolean;
}

/** One statement `lhs op rhs1 + rhs2 ...`. */
export interface SemStatement {
  lhs: SemName;
  op: SemOp;
  opLine: number;
  opCol: number;
  rhs: SemTerm[];
}

/** A syntax error at an exact line:col (1-based) of the model text. */
export class SemSyntaxError extends Error {
  constructor(message: string, readonly line: number, readonly col: number, readonly offset: number) {
    super(`${line}:${col}: ${message}`);
    this.name = 'SemSyntaxError';
  }
}

interface Token {
  kind: 'name' | 'number' | 'op' | 'plus' | 'star' | 'nl' | 'other';
  text: string;
  start: number;
  line: number;
  col: number;
}

const OPERATORS = ['=~', '~~', '~*~', '<~', ':=', '==', '~', '<', '>', '|', '='];
const SUPPORTED: readonly string[] = ['=~', '~', '~~'];

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const push = (kind: Token['kind'], t: string, start: number) =>
    out.push({ kind, text: t, start, line, col: start - lineStart + 1 });
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n' || ch === ';') {
      push('nl', ch, i);
      i++;
      if (ch === '\n') { line++; lineStart = i; }
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') { i++; continue; }
    if (ch === '#' || ch === '!') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const id = /^(?:[A-Za-z_]|\.(?=[A-Za-z_]))[A-Za-z0-9_.]*/.exec(text.slice(i, i + 200));
    if (id) { push('name', id[0], i); i += id[0].length; continue; }
    const num = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i, i + 100));
    if (num && (ch !== '+' || out.at(-1)?.kind === 'star')) { push('number', num[0], i); i += num[0].length; continue; }
    if (ch === '+') { push('plus', ch, i); i++; continue; }
    if (ch === '*') { push('star', ch, i); i++; continue; }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) { push('op', op, i); i += op.length; continue; }
    push('other', ch, i);
    i++;
  }
  return out;
}

/**
 * Parses lavaan model syntax into statements. Throws SemSyntaxError with line:col for anything
 * outside the supported subset (unknown operators, labels, intercept terms, missing names).
 */
export function parseSemSyntax(text: string): SemStatement[] {
  const tokens = tokenize(text);
  // Group tokens into statements: a newline ends one unless the statement is visibly incomplete.
  const groups: Token[][] = [];
  let cur: Token[] = [];
  for (const t of tokens) {
    if (t.kind === 'nl') {
      const last = cur.at(-1);
      if (t.text === '\n' && last && (last.kind === 'plus' || last.kind === 'op' || last.kind === 'star')) continue;
      if (cur.length) groups.push(cur);
      cur = [];
      continue;
    }
    if (t.kind === 'plus' && cur.length === 0 && groups.length) {
      // A line starting with `+` continues the previous statement.
      cur = groups.pop()!;
    }
    cur.push(t);
  }
  if (cur.length) groups.push(cur);
  return groups.map(parseStatement);
}

function fail(t: Token, message: string): never {
  throw new SemSyntaxError(message, t.line, t.col, t.start);
}

function nameOf(t: Token): SemName {
  return { name: t.text, span: { start: t.start, end: t.start + t.text.length }, line: t.line, col: t.col };
}

function parseStatement(ts: Token[]): SemStatement {
  const first = ts[0]!;
  if (first.kind !== 'name') fail(first, `expected a variable name, found "${first.text}"`);
  const opTok = ts[1];
  if (!opTok) fail(first, `"${first.text}" is not followed by an operator (=~, ~ or ~~)`);
  if (opTok.kind === 'plus') fail(opTok, 'several left-hand variables in one statement are not supported; write one statement per variable');
  if (opTok.kind !== 'op') fail(opTok, `expected an operator (=~, ~ or ~~) after "${first.text}", found "${opTok.text}"`);
  if (!SUPPORTED.includes(opTok.text)) fail(opTok, `operator "${opTok.text}" is not supported (supported: =~, ~, ~~)`);
  const rhs: SemTerm[] = [];
  let i = 2;
  for (;;) {
    const t = ts[i];
    if (!t) fail(ts[i - 1]!, `expected a variable name after "${ts[i - 1]!.text}"`);
    let fixed: number | undefined;
    let free = false;
    let nameTok: Token = t;
    if (ts[i + 1]?.kind === 'star') {
      if (t.kind === 'number') fixed = Number(t.text);
      else if (t.kind === 'name' && t.text === 'NA') free = true;
      else if (t.kind === 'name') fail(t, `labels ("${t.text}*") are not supported; use --equal for equality constraints`);
      else fail(t, `expected a number or NA before "*", found "${t.text}"`);
      const n = ts[i + 2];
      if (!n) fail(ts[i + 1]!, 'expected a variable name after "*"');
      nameTok = n;
      i += 2;
    }
    if (nameTok.kind === 'number') {
      fail(nameTok, opTok.text === '~' && nameTok.text === '1'
        ? 'intercept terms (~ 1) are not supported; intercepts and latent means follow --equal'
        : `expected a variable name, found the number ${nameTok.text}`);
    }
    if (nameTok.kind !== 'name') fail(nameTok, `expected a variable name, found "${nameTok.text}"`);
    rhs.push({ ...nameOf(nameTok), ...(fixed !== undefined ? { fixed } : {}), ...(free ? { free } : {}) });
    i++;
    const sep = ts[i];
    if (!sep) break;
    if (sep.kind !== 'plus') fail(sep, `expected "+" or the end of the statement, found "${sep.text}"`);
    i++;
  }
  return { lhs: nameOf(first), op: opTok.text as SemOp, opLine: opTok.line, opCol: opTok.col, rhs };
}
