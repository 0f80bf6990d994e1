import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { Span } from './model';
import type { ParsedScenario } from './parse';

/** A path into the YAML tree: map keys as strings, sequence indexes as numbers. */
export type KeyPath = (string | number)[];

/**
 * What sits at an offset of a scenario file, as the language features need it.
 * - `key`: a mapping key is being written or pointed at; `path` is the path of that mapping.
 * - `value`: a scalar value; `path` ends with its own key or index.
 * - `placeholder`: inside `{{ … }}`; `path` is the path of the string holding it (when known).
 * - `none`: nothing the language features act on (a comment, a flow collection's punctuation).
 */
export interface CursorInfo {
  kind: 'key' | 'value' | 'placeholder' | 'none';
  path: KeyPath;
  /** The name-like word at the cursor (letters, digits, `_`, `-`); empty at a blank spot. */
  word: string;
  /** Span of `word`; for a placeholder, the span of the name between the braces. */
  range: Span;
  /** For `kind: 'key'`: the keys already present in that mapping. */
  siblings: string[];
}

const WORD = /[A-Za-z0-9_-]/;

/** The name-like word around `offset` and its span. */
export function wordAt(text: string, offset: number): { word: string; range: Span } {
  let start = offset;
  let end = offset;
  while (start > 0 && WORD.test(text.charAt(start - 1))) start--;
  while (end < text.length && WORD.test(text.charAt(end))) end++;
  return { word: text.slice(start, end), range: { start, end } };
}

/**
 * The `{{name}}` (possibly still unclosed) around `offset` on its line, or undefined.
 * `range` covers the name only, `closed` says whether `}}` follows it.
 */
export function placeholderAt(text: string, offset: number): { name: string; range: Span; closed: boolean } | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const nl = text.indexOf('\n', offset);
  const lineEnd = nl < 0 ? text.length : nl;
  const open = text.lastIndexOf('{{', offset - 2 < lineStart ? lineStart - 1 : offset - 2);
  if (open < lineStart) return undefined;
  const between = text.slice(open + 2, offset);
  if (between.includes('}}')) return undefined;
  const hash = text.slice(lineStart, open).search(/(^|\s)#/);
  if (hash >= 0) return undefined;
  let nameStart = open + 2;
  while (nameStart < lineEnd && (text[nameStart] === ' ' || text[nameStart] === '\t')) nameStart++;
  if (offset < nameStart) nameStart = offset;
  let nameEnd = nameStart;
  while (nameEnd < lineEnd && WORD.test(text.charAt(nameEnd))) nameEnd++;
  if (nameEnd < offset) return undefined;
  const rest = text.slice(nameEnd, lineEnd);
  return { name: text.slice(nameStart, nameEnd), range: { start: nameStart, end: nameEnd }, closed: /^\s*\}\}/.test(rest) };
}

function keyText(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k) && k.value !== null && k.value !== undefined) return String(k.value);
  return undefined;
}

function siblingKeys(pairs: readonly Pair[]): string[] {
  return pairs.map(keyText).filter((k): k is string => k !== undefined);
}

const within = (offset: number, r: readonly number[] | undefined): boolean =>
  !!r && r[0] !== undefined && r[1] !== undefined && r[0] <= offset && offset <= r[1];

interface Ctx { parsed: ParsedScenario; offset: number }

function lineOf(p: ParsedScenario, offset: number): number {
  return p.lineCounter.linePos(offset).line;
}

function colOf(p: ParsedScenario, offset: number): number {
  return p.lineCounter.linePos(offset).col - 1;
}

function info(c: Ctx, kind: CursorInfo['kind'], path: KeyPath, siblings: string[] = []): CursorInfo {
  const w = wordAt(c.parsed.text, c.offset);
  return { kind, path, word: w.word, range: w.range, siblings };
}

function walk(c: Ctx, node: unknown, path: KeyPath): CursorInfo | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      const name = keyText(pair);
      if (key && within(c.offset, key.range ?? undefined)) return info(c, 'key', path, siblingKeys(node.items));
      const val = pair.value as Node | null;
      if (!val || name === undefined) continue;
      if (isScalar(val)) {
        if (!within(c.offset, val.range ?? undefined)) continue;
        // A lone word on the line below `key:` is YAML's plain scalar, but the author is typing a child key.
        if (!node.flow && val.type === 'PLAIN' && val.value !== null && key?.range &&
            lineOf(c.parsed, val.range![0]) > lineOf(c.parsed, key.range[0])) {
          return info(c, 'key', [...path, name]);
        }
        return info(c, 'value', [...path, name]);
      }
      if (within(c.offset, val.range ?? undefined)) {
        const inner = walk(c, val, [...path, name]);
        if (inner) return inner;
        if (isMap(val) && val.flow) return info(c, 'key', [...path, name], siblingKeys(val.items));
        if (isSeq(val) && val.flow) {
          const before = val.items.filter((it) => (it as Node | null)?.range && (it as Node).range![0] < c.offset).length;
          return info(c, 'value', [...path, name, before]);
        }
      }
    }
    return undefined;
  }
  if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const item = node.items[i] as Node | null;
      if (!item || !within(c.offset, item.range ?? undefined)) continue;
      if (isScalar(item)) return info(c, 'value', [...path, i]);
      const inner = walk(c, item, [...path, i]);
      if (inner) return inner;
      if (isMap(item)) return info(c, 'key', [...path, i], siblingKeys(item.items));
    }
  }
  return undefined;
}

/** At a blank spot: the mapping a key typed at this column would belong to, found by indentation. */
function blankKeyContext(c: Ctx): CursorInfo | undefined {
  const { parsed, offset } = c;
  const lineStart = parsed.text.lastIndexOf('\n', offset - 1) + 1;
  const before = parsed.text.slice(lineStart, offset);
  const m = /^([ ]*)(?:-[ ]+)?([A-Za-z0-9_-]*)$/.exec(before);
  if (!m) return undefined;
  const col = before.length - (m[2]?.length ?? 0);
  const dashed = before.includes('-');
  let node: unknown = parsed.doc.contents;
  const path: KeyPath = [];
  for (let depth = 0; depth < 64; depth++) {
    if (isMap(node) && !node.flow && node.range) {
      const mapCol = colOf(parsed, node.range[0]);
      if (col === mapCol && !dashed) return info(c, 'key', [...path], siblingKeys(node.items));
      if (col < mapCol) return undefined;
      const preceding = node.items.filter((p) => (p.key as Node | null)?.range && (p.key as Node).range![0] <= offset);
      const pair = preceding[preceding.length - 1];
      const name = pair && keyText(pair);
      if (!pair || name === undefined) return undefined;
      const val = pair.value as Node | null;
      if (!val || (isScalar(val) && (val.value === null || val.value === ''))) return dashed ? info(c, 'value', [...path, name, 0]) : info(c, 'key', [...path, name]);
      node = val;
      path.push(name);
    } else if (isSeq(node) && !node.flow && node.range) {
      const seqCol = colOf(parsed, node.range[0]);
      if (dashed && col - 2 === seqCol) return info(c, 'value', [...path, node.items.length]);
      const items = node.items.filter((it) => (it as Node | null)?.range && (it as Node).range![0] <= offset);
      const item = items[items.length - 1] as Node | undefined;
      if (!item || !isMap(item)) return undefined;
      path.push(items.length - 1);
      node = item;
    } else {
      return undefined;
    }
  }
  return undefined;
}

/** What is at `offset` in a parsed scenario: key, value, placeholder, with its YAML path. */
export function cursorAt(parsed: ParsedScenario, offset: number): CursorInfo {
  const c: Ctx = { parsed, offset };
  const found = walk(c, parsed.doc.contents, []);
  const ph = placeholderAt(parsed.text, offset);
  if (ph && found?.kind !== 'key') {
    return { kind: 'placeholder', path: found?.path ?? [], word: ph.name, range: ph.range, siblings: [] };
  }
  return found ?? blankKeyContext(c) ?? { ...info(c, 'none', []), siblings: [] };
}
