import { Document, LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { YAMLMap, YAMLSeq } from 'yaml';
import {
  ASSERT_METRICS, DEFAULT_SAMPLES, MAX_SCALE_POINTS, VAAR_FORMS, type Action, type ArbitrationRule, type Choice, type Item,
  type Located, type Problem, type RunSettings, type Scale, type Scenario, type SessionMode, type Span,
  type Template, type Threshold, type ValueDef, type VaarFormName, type Variant, type VarSet,
} from './model';
import { readPerturb, readPrinciple } from './parseRevision2';
import { makeProblem, type ProblemCode } from './problemCodes';
import { scanPlaceholders, VAR_NAME } from './placeholders';
import { textLineCounter } from './lines';
import { childKeys } from './schema';
import { closest } from './suggest';

/** A parsed scenario file: the YAML document with offsets, the model built from it, and its problems. */
export interface ParsedScenario {
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Undefined only when the root is not a mapping. */
  scenario?: Scenario;
  /** YAML syntax problems and structural/type problems. */
  problems: Problem[];
  /** Source ranges the model has no field for, which the validator points at. */
  sources?: ScenarioSources;
}

/** Ranges of written names that the model keeps only as plain strings. */
export interface ScenarioSources {
  /** The `run.order` entries as written, and the `order` key. */
  order?: { entries: Located[]; key: Span };
  /** The value names under each variant's `values`, with the range of each key. */
  variantValueKeys: Map<Variant, { name: string; range: Span }[]>;
  /** The range of each explicitly written item id. */
  itemIdRanges: Map<Item, Span>;
  /** Revision 2: the keys written under `action` (`items`, `scale`, `choices`) and under `perturb`, for cross-checks. */
  actionKeys?: Map<string, Span>;
  perturbKeys?: Map<string, Span>;
  /** Revision 2: each `perturb.forms` entry as written. */
  perturbForms?: Located[];
  /** Revision 2: the `assert` metric keys as written. */
  assertKeys?: Map<string, Span>;
}

/** Names of values, choices, variants and the scenario id. */
export const NAME = /^[A-Za-z0-9_-]+$/;
/** Item ids may also contain '.', as the derived `<value>.<index>` ids do. */
export const ITEM_ID = /^[A-Za-z0-9_.-]+$/;

type Path = readonly (string | number)[];

interface Entry {
  key: string;
  keyRange: Span;
  value: unknown;
  /** The value's range, or the key's when the value is absent. */
  valueRange: Span;
}

/** Describes a YAML node's kind in the words a message uses. */
function kindOf(node: unknown): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'nothing';
    if (typeof v === 'string') return 'text';
    if (typeof v === 'boolean') return `the boolean \`${String(v)}\``;
    if (typeof v === 'number') return `the number \`${String(v)}\``;
  }
  return 'an unsupported YAML node';
}

/**
 * Walks a YAML document into the scenario model. One instance per parse: it owns the problem list.
 */
export class ScenarioReader {
  readonly problems: Problem[] = [];
  readonly sources: ScenarioSources = { variantValueKeys: new Map(), itemIdRanges: new Map() };

  constructor(private readonly doc: Document.Parsed, private readonly text: string) {}

  /** Keeps a quoted piece of the user's text short enough for a one-line message. */
  short(s: string): string {
    return short(s);
  }

  report(code: ProblemCode, message: string, range: Span, fix?: { title: string; replacement: string }): void {
    this.problems.push(makeProblem(code, message, range, fix ? [{ ...fix, range }] : undefined));
  }

  span(node: unknown, fallback: Span): Span {
    const r = (node as { range?: [number, number, number] } | null)?.range;
    if (!r) return fallback;
    const start = Math.max(0, Math.min(r[0], this.text.length));
    return { start, end: Math.max(start, Math.min(r[1], this.text.length)) };
  }

  deref(node: unknown): unknown {
    if (isAlias(node)) {
      try {
        return node.resolve(this.doc);
      } catch {
        return undefined;
      }
    }
    return node;
  }

  /** Schema keys per path shape, looked up once per parse: list indexes do not change the answer. */
  private readonly keyCache = new Map<string, { keys: string[]; required: { key: string; description: string }[] }>();

  keysAt(schemaPath: Path): { keys: string[]; required: { key: string; description: string }[] } {
    const shape = schemaPath.map((s) => (typeof s === 'number' ? '#' : s)).join('\u0000');
    let found = this.keyCache.get(shape);
    if (!found) {
      const all = childKeys(schemaPath);
      found = { keys: all.map((k) => k.key), required: all.filter((k) => k.required) };
      this.keyCache.set(shape, found);
    }
    return found;
  }

  /** The entries of a mapping, with unknown keys reported against the schema's keys at `schemaPath`. */
  entries(map: YAMLMap, at: Span, schemaPath: Path | undefined, where: string): Entry[] {
    const schemaKeys = schemaPath ? this.keysAt(schemaPath) : undefined;
    const allowed = schemaKeys?.keys;
    const out: Entry[] = [];
    for (const pair of map.items) {
      if (!isPair(pair)) continue;
      const keyNode = this.deref(pair.key);
      const keyRange = this.span(keyNode, at);
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        this.report('wrong-type', `A key in ${where} must be plain text, not ${kindOf(keyNode)}.`, keyRange);
        continue;
      }
      const key = String(keyNode.value);
      const value = this.deref(pair.value);
      const valueRange = value === null || value === undefined ? keyRange : this.span(value, keyRange);
      if (allowed && !allowed.includes(key)) {
        const guess = closest(key, allowed);
        const list = allowed.map((k) => `\`${k}\``).join(', ');
        if (guess) this.report('unknown-key', `Unknown key \`${key}\` in ${where}. Did you mean \`${guess}\`?`, keyRange, { title: `Change to \`${guess}\``, replacement: guess });
        else this.report('unknown-key', `Unknown key \`${short(key)}\` in ${where}. Allowed here: ${list}.`, keyRange);
        continue;
      }
      out.push({ key, keyRange, value, valueRange });
    }
    for (const k of schemaKeys?.required ?? []) {
      if (!out.some((e) => e.key === k.key)) this.report('missing-field', `${capital(where)} needs \`${k.key}\`: ${k.description}`, at);
    }
    return out;
  }

  asMap(node: unknown, at: Span, what: string): YAMLMap | undefined {
    if (isMap(node)) return node;
    this.report('wrong-type', `${capital(what)} must be a mapping (\`key: value\` lines), not ${kindOf(node)}.`, this.span(node, at));
    return undefined;
  }

  asSeq(node: unknown, at: Span, what: string): YAMLSeq | undefined {
    if (isSeq(node)) return node;
    this.report('wrong-type', `${capital(what)} must be a list (\`- \` entries), not ${kindOf(node)}.`, this.span(node, at));
    return undefined;
  }

  str(node: unknown, at: Span, what: string): Located | undefined {
    if (isScalar(node) && typeof node.value === 'string') return { value: node.value, range: this.span(node, at) };
    this.report('wrong-type', `${capital(what)} must be text, not ${kindOf(node)}.`, this.span(node, at));
    return undefined;
  }

  nonEmpty(node: unknown, at: Span, what: string): Located | undefined {
    const s = this.str(node, at, what);
    if (s && !s.value.trim()) {
      this.report('empty-text', `${capital(what)} is empty.`, s.range);
      return undefined;
    }
    return s;
  }

  name(node: unknown, at: Span, what: string, pattern = NAME, allowedChars = "letters, digits, '-' and '_'"): Located | undefined {
    const s = this.str(node, at, what);
    if (s && !pattern.test(s.value)) {
      this.report('invalid-name', `${capital(what)} \`${short(s.value)}\` may only contain ${allowedChars}.`, s.range);
      return undefined;
    }
    return s;
  }

  template(node: unknown, at: Span, what: string): Template | undefined {
    const s = this.nonEmpty(node, at, what);
    if (!s) return undefined;
    // A block scalar's range starts at its `|` / `>` header, which may carry a comment: scan the body only.
    let from = s.range.start;
    if (isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED')) {
      const nl = this.text.indexOf('\n', from);
      from = nl < 0 || nl > s.range.end ? s.range.end : nl + 1;
    }
    const { placeholders, bad } = scanPlaceholders(this.text.slice(from, s.range.end), from);
    for (const b of bad) {
      this.report('bad-placeholder', `\`{{${b.content}}}\` is not a placeholder: write \`{{name}}\` with a var name (a letter or '_', then letters, digits, '-' or '_').`, b.range);
    }
    return { text: s.value, range: s.range, placeholders };
  }

  integer(node: unknown, at: Span, what: string, orElse = ''): number | undefined {
    if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value)) return node.value;
    this.report('wrong-type', `${capital(what)} must be a whole number${orElse}, not ${kindOf(node)}.`, this.span(node, at));
    return undefined;
  }

  /** A whole number of at least `least`, or undefined (reported). */
  atLeast(node: unknown, at: Span, what: string, least: number): number | undefined {
    const n = this.integer(node, at, what);
    if (n !== undefined && n < least) {
      this.report('out-of-range', `${capital(what)} must be at least ${least}, not ${n}.`, this.span(node, at));
      return undefined;
    }
    return n;
  }

  /** One of a fixed set of words, with a did-you-mean, or undefined (reported). */
  word<T extends string>(node: unknown, at: Span, what: string, allowed: readonly T[]): Located<T> | undefined {
    const s = this.str(node, at, what);
    if (!s) return undefined;
    if ((allowed as readonly string[]).includes(s.value)) return s as Located<T>;
    const guess = closest(s.value, allowed);
    const list = allowed.map((a) => `\`${a}\``).join(', ');
    this.report('invalid-enum', `${capital(what)} is one of ${list}, not \`${short(s.value)}\`.${guess ? ` Did you mean \`${guess}\`?` : ''}`, s.range, guess ? { title: `Change to \`${guess}\``, replacement: guess } : undefined);
    return undefined;
  }

  /** `run.samples: { min, max, until }`: sets `samples` to `max` and `sequential` when all is well. */
  sequentialSamples(map: YAMLMap, at: Span, run: RunSettings): void {
    let min: number | undefined;
    let max: number | undefined;
    let maxNode: unknown;
    let ok = true;
    for (const e of this.entries(map, at, ['run', 'samples'], '`samples`')) {
      if (e.key === 'min') { min = this.atLeast(e.value, e.valueRange, '`min`', 1); ok &&= min !== undefined; }
      else if (e.key === 'max') { max = this.atLeast(e.value, e.valueRange, '`max`', 1); maxNode = e.value; ok &&= max !== undefined; }
      else if (e.key === 'until') ok = this.word(e.value, e.valueRange, '`until`', ['asserts'] as const) !== undefined && ok;
    }
    if (min === undefined || max === undefined || !ok) return;
    if (max < min) {
      this.report('out-of-range', `\`max\` must be at least \`min\` (${min}), not ${max}.`, this.span(maxNode, at));
      return;
    }
    run.samples = max;
    run.sequential = { min, max, until: 'asserts', range: this.span(map, at) };
  }

  number(node: unknown, at: Span, what: string): number | undefined {
    if (isScalar(node) && typeof node.value === 'number' && Number.isFinite(node.value)) return node.value;
    this.report('wrong-type', `${capital(what)} must be a number, not ${kindOf(node)}.`, this.span(node, at));
    return undefined;
  }

  boolean(node: unknown, at: Span, what: string, code: ProblemCode = 'wrong-type'): boolean | undefined {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    const hint = isScalar(node) && typeof node.value === 'string' && /^(yes|no|on|off|y|n)$/i.test(node.value) ? ` (\`${node.value}\` is text in YAML 1.2)` : '';
    this.report(code, `${capital(what)} must be \`true\` or \`false\`, not ${kindOf(node)}${hint}.`, this.span(node, at));
    return undefined;
  }

  varSet(node: unknown, at: Span, what: string): VarSet {
    const set: VarSet = new Map();
    const map = this.asMap(node, at, what);
    if (!map) return set;
    for (const e of this.entries(map, at, undefined, what)) {
      if (!VAR_NAME.test(e.key)) {
        this.report('invalid-name', `Var name \`${e.key}\` must start with a letter or '_' and contain only letters, digits, '-' and '_'.`, e.keyRange);
        continue;
      }
      const v = e.value;
      if (isScalar(v) && (typeof v.value === 'string' || typeof v.value === 'number' || typeof v.value === 'boolean')) {
        const value = typeof v.value === 'string' ? v.value : (v.source ?? String(v.value));
        set.set(e.key, { name: e.key, value, nameRange: e.keyRange, valueRange: e.valueRange });
      } else {
        this.report('wrong-type', `Var \`${e.key}\` must be text (or a number or boolean), not ${kindOf(v)}.`, e.valueRange);
      }
    }
    return set;
  }

  scale(node: unknown, at: Span, where: string, schemaPath: Path): Scale | undefined {
    const map = this.asMap(node, at, `the scale of ${where}`);
    if (!map) return undefined;
    let min: number | undefined;
    let max: number | undefined;
    let maxRange = at;
    let low: string | undefined;
    let high: string | undefined;
    for (const e of this.entries(map, at, schemaPath, `the scale of ${where}`)) {
      if (e.key === 'min') min = this.integer(e.value, e.valueRange, '`min`');
      else if (e.key === 'max') { max = this.integer(e.value, e.valueRange, '`max`'); maxRange = e.valueRange; }
      else if (e.key === 'low') low = this.str(e.value, e.valueRange, '`low`')?.value;
      else if (e.key === 'high') high = this.str(e.value, e.valueRange, '`high`')?.value;
    }
    if (min === undefined || max === undefined) return undefined;
    if (max <= min) this.report('scale-bounds', `The scale of ${where} needs \`max\` greater than \`min\`; here min is ${min} and max is ${max}.`, maxRange);
    else if (max - min + 1 > MAX_SCALE_POINTS) {
      this.report('wide-scale', `The scale of ${where} has ${(max - min + 1).toLocaleString('en-US')} points (${min} to ${max}): a model does not tell so many neighbouring answers apart, and the answer is then only held between \`min\` and \`max\`, not to a list of values. Use at most ${MAX_SCALE_POINTS} points (e.g. 0 to 100).`, maxRange);
    }
    const s: Scale = { min, max, range: this.span(map, at) };
    if (low !== undefined) s.low = low;
    if (high !== undefined) s.high = high;
    return s;
  }

  /** Items of a value (`valueName`) or, with `valueName` `action`, the decision prompts of a scale action. */
  items(node: unknown, at: Span, valueName: string, schemaPath: Path): Item[] {
    const isAction = schemaPath[0] === 'action';
    const seq = this.asSeq(node, at, `the items of \`${valueName}\``);
    if (!seq) return [];
    if (seq.items.length === 0) this.report('empty-collection', isAction ? '`action.items` needs at least one item; leave it out for a single `prompt`.' : `Value \`${valueName}\` needs at least one item.`, this.span(seq, at));
    const out: Item[] = [];
    seq.items.forEach((raw, i) => {
      const node2 = this.deref(raw);
      const range = this.span(node2, at);
      const derived = `${valueName}.${i + 1}`;
      if (isScalar(node2)) {
        const text = this.template(node2, range, `item ${i + 1} of \`${valueName}\``);
        if (text) out.push({ id: derived, explicitId: false, text, reverse: false, range });
        return;
      }
      if (!isMap(node2)) {
        this.report('wrong-type', `Item ${i + 1} of \`${valueName}\` must be text or \`{ id?, text${isAction ? '' : ', reverse?'} }\`, not ${kindOf(node2)}.`, range);
        return;
      }
      const entries = this.entries(node2, range, [...schemaPath, i], `item ${i + 1} of \`${valueName}\``);
      let id: Located | undefined;
      let text: Template | undefined;
      let reverse = false;
      for (const e of entries) {
        if (e.key === 'id') id = this.name(e.value, e.valueRange, 'item id', ITEM_ID, "letters, digits, '.', '-' and '_'");
        else if (e.key === 'text') text = this.template(e.value, e.valueRange, `the text of item ${i + 1} of \`${valueName}\``);
        else if (e.key === 'reverse') reverse = this.boolean(e.value, e.valueRange, '`reverse`', 'reverse-not-boolean') ?? false;
      }
      if (!text) return;
      const item: Item = { id: id?.value ?? derived, explicitId: id !== undefined, text, reverse, range };
      if (id) this.sources.itemIdRanges.set(item, id.range);
      out.push(item);
    });
    return out;
  }

  values(node: unknown, at: Span): ValueDef[] {
    const map = this.asMap(node, at, '`values`');
    if (!map) return [];
    const entries = this.entries(map, at, undefined, '`values`');
    if (entries.length === 0) this.report('empty-collection', 'A scenario needs at least one value under `values`.', this.span(map, at));
    const out: ValueDef[] = [];
    for (const e of entries) {
      if (!NAME.test(e.key)) {
        this.report('invalid-name', `Value name \`${e.key}\` may only contain letters, digits, '-' and '_'.`, e.keyRange);
        continue;
      }
      const vmap = this.asMap(e.value, e.valueRange, `value \`${e.key}\``);
      const def: ValueDef = { name: e.key, nameRange: e.keyRange, label: e.key, items: [], range: { start: e.keyRange.start, end: e.valueRange.end } };
      if (vmap) {
        for (const f of this.entries(vmap, e.keyRange, ['values', e.key], `value \`${e.key}\``)) {
          if (f.key === 'label') def.label = this.nonEmpty(f.value, f.valueRange, `the label of \`${e.key}\``)?.value ?? e.key;
          else if (f.key === 'scale') { const s = this.scale(f.value, f.keyRange, `\`${e.key}\``, ['values', e.key, 'scale']); if (s) def.scale = s; }
          else if (f.key === 'items') def.items = this.items(f.value, f.keyRange, e.key, ['values', e.key, 'items']);
        }
      }
      out.push(def);
    }
    return out;
  }

  choices(node: unknown, at: Span, where: string): Choice[] | undefined {
    const map = this.asMap(node, at, `the choices of ${where}`);
    if (!map) return undefined;
    const out: Choice[] = [];
    for (const e of this.entries(map, at, undefined, `the choices of ${where}`)) {
      if (!NAME.test(e.key)) {
        this.report('invalid-name', `Choice id \`${e.key}\` may only contain letters, digits, '-' and '_' (the label goes after the colon).`, e.keyRange);
        continue;
      }
      const label = this.nonEmpty(e.value, e.valueRange, `the label of choice \`${e.key}\``);
      if (label) out.push({ id: e.key, label: label.value, idRange: e.keyRange, range: { start: e.keyRange.start, end: e.valueRange.end } });
    }
    return out;
  }

  action(node: unknown, at: Span): Action | undefined {
    const map = this.asMap(node, at, '`action`');
    if (!map) return undefined;
    const action: Action = { expect: [], range: this.span(map, at) };
    let choicesKey: Span | undefined;
    let scaleKey: Span | undefined;
    let items: Item[] | undefined;
    const keys = new Map<string, Span>();
    this.sources.actionKeys = keys;
    const entries = this.entries(map, at, ['action'], '`action`');
    for (const e of entries) {
      keys.set(e.key, e.keyRange);
      if (e.key === 'prompt') { const t = this.template(e.value, e.valueRange, 'the action prompt'); if (t) action.prompt = t; }
      else if (e.key === 'items') items = this.items(e.value, e.keyRange, 'action', ['action', 'items']);
      else if (e.key === 'choices') {
        choicesKey = e.keyRange;
        const c = this.choices(e.value, e.keyRange, 'the action');
        if (c) {
          action.choices = c;
          const written = isMap(e.value) ? e.value.items.length : 0;
          if (written < 2) this.report('too-few-choices', `An action needs at least two choices; this one has ${written}.`, e.keyRange);
        }
      } else if (e.key === 'scale') {
        scaleKey = e.keyRange;
        const s = this.scale(e.value, e.keyRange, 'the action', ['action', 'scale']);
        if (s) action.scale = s;
      } else if (e.key === 'expect') {
        const emap = this.asMap(e.value, e.keyRange, '`expect`');
        if (emap) {
          for (const x of this.entries(emap, e.keyRange, undefined, '`expect`')) {
            const target = this.str(x.value, x.valueRange, `the expectation for \`${x.key}\``);
            if (target) action.expect.push({ value: x.key, valueRange: x.keyRange, target: target.value, targetRange: target.range });
          }
        }
      }
    }
    const itemsKey = keys.get('items');
    // The schema cannot say "prompt unless items", so the reader does.
    if (!keys.has('prompt') && !itemsKey) this.report('missing-field', '`action` needs `prompt` (the decision prompt), or, with a `scale`, `items` (several decision prompts).', at);
    if (itemsKey && choicesKey) this.report('action-items-need-scale', '`action.items` are answered on the action\'s scale; an action with `choices` asks one `prompt`.', itemsKey);
    else if (items && scaleKey) action.items = items;
    if (choicesKey && scaleKey) {
      const later = choicesKey.start > scaleKey.start ? choicesKey : scaleKey;
      this.report('action-choices-and-scale', 'An action has either `choices` or `scale`, not both.', later);
    } else if (!choicesKey && !scaleKey) {
      this.report('action-needs-choices-or-scale', 'The action needs `choices` (two or more) or a `scale` for the answer.', at);
    }
    return action;
  }

  arbitration(node: unknown, at: Span): ArbitrationRule[] {
    const seq = this.asSeq(node, at, '`arbitration`');
    if (!seq) return [];
    const out: ArbitrationRule[] = [];
    seq.items.forEach((raw, i) => {
      const n = this.deref(raw);
      const range = this.span(n, at);
      const map = this.asMap(n, range, `arbitration rule ${i + 1}`);
      if (!map) return;
      let when: VarSet | undefined;
      let whenKey: Span | undefined;
      let require: Located | undefined;
      let requireKey: Span | undefined;
      let rank: Located[] | undefined;
      let rankKey: Span | undefined;
      let because: string | undefined;
      for (const e of this.entries(map, range, ['arbitration', i], `arbitration rule ${i + 1}`)) {
        if (e.key === 'when') { whenKey = e.keyRange; when = this.varSet(e.value, e.keyRange, '`when`'); }
        else if (e.key === 'require') { requireKey = e.keyRange; require = this.nonEmpty(e.value, e.valueRange, '`require`'); }
        else if (e.key === 'because') because = this.str(e.value, e.valueRange, '`because`')?.value;
        else if (e.key === 'rank') {
          rankKey = e.keyRange;
          const rs = this.asSeq(e.value, e.keyRange, '`rank`');
          if (rs) {
            rank = [];
            for (const r of rs.items) {
              const s = this.str(this.deref(r), e.keyRange, 'a `rank` entry');
              if (s) rank.push(s);
            }
            if (rank.length === 0) this.report('empty-collection', '`rank` needs at least one value name.', e.valueRange);
          }
        }
      }
      if (rankKey && requireKey) {
        this.report('rule-require-and-rank', 'A rule either requires a choice (`require`) or ranks values (`rank`), not both.', rankKey.start > requireKey.start ? rankKey : requireKey);
        return;
      }
      if (rankKey) {
        if (whenKey) {
          this.report('rank-with-when', 'A `rank` rule always applies and cannot have a `when`; use `when` with `require`.', whenKey);
          return;
        }
        if (rank) {
          const rule: ArbitrationRule = { kind: 'rank', rank, range };
          if (because !== undefined) rule.because = because;
          out.push(rule);
        }
        return;
      }
      if (!requireKey) {
        this.report('rule-needs-require-or-rank', `Arbitration rule ${i + 1} needs \`require\` (with an optional \`when\`) or \`rank\`.`, map.items.length ? this.span(this.deref((map.items[0] as { key?: unknown }).key), range) : range);
        return;
      }
      const rule: ArbitrationRule = { kind: 'when', when: when ?? new Map(), range };
      if (require) rule.require = require;
      if (because !== undefined) rule.because = because;
      out.push(rule);
    });
    return out;
  }

  variants(node: unknown, at: Span): Variant[] {
    const seq = this.asSeq(node, at, '`variants`');
    if (!seq) return [];
    if (seq.items.length === 0) this.report('empty-collection', '`variants` is empty: leave it out for a single baseline, or list at least one.', this.span(seq, at));
    const out: Variant[] = [];
    seq.items.forEach((raw, i) => {
      const n = this.deref(raw);
      const range = this.span(n, at);
      const map = this.asMap(n, range, `variant ${i + 1}`);
      if (!map) return;
      const firstKey = map.items.length ? this.span(this.deref((map.items[0] as { key?: unknown }).key), range) : range;
      const v: Variant = { name: '', nameRange: firstKey, vars: new Map(), implicit: false, range };
      let named = false;
      const path = ['variants', i] as const;
      for (const e of this.entries(map, firstKey, path, `variant ${i + 1}`)) {
        if (e.key === 'name') {
          const nm = this.name(e.value, e.valueRange, 'variant name');
          if (nm) { v.name = nm.value; v.nameRange = nm.range; named = true; }
        } else if (e.key === 'vars') v.vars = this.varSet(e.value, e.keyRange, `the vars of variant ${i + 1}`);
        else if (e.key === 'persona') { const t = this.template(e.value, e.valueRange, `the persona of variant ${i + 1}`); if (t) v.persona = t; }
        else if (e.key === 'action') {
          const amap = this.asMap(e.value, e.keyRange, `the action of variant ${i + 1}`);
          if (amap) {
            const a: { prompt?: Template; choices?: Choice[] } = {};
            for (const f of this.entries(amap, e.keyRange, [...path, 'action'], `the action of variant ${i + 1}`)) {
              if (f.key === 'prompt') { const t = this.template(f.value, f.valueRange, `the action prompt of variant ${i + 1}`); if (t) a.prompt = t; }
              else if (f.key === 'choices') { const c = this.choices(f.value, f.keyRange, `variant ${i + 1}`); if (c) a.choices = c; }
            }
            v.action = a;
          }
        } else if (e.key === 'values') {
          const vmap = this.asMap(e.value, e.keyRange, `the values of variant ${i + 1}`);
          if (vmap) {
            const values = new Map<string, Item[]>();
            const keys: { name: string; range: Span }[] = [];
            for (const f of this.entries(vmap, e.keyRange, undefined, `the values of variant ${i + 1}`)) {
              const inner = this.asMap(f.value, f.keyRange, `\`${f.key}\` in variant ${i + 1}`);
              if (!inner) continue;
              const itemsEntry = this.entries(inner, f.keyRange, [...path, 'values', f.key], `\`${f.key}\` in variant ${i + 1}`).find((g) => g.key === 'items');
              if (itemsEntry) values.set(f.key, this.items(itemsEntry.value, itemsEntry.keyRange, f.key, [...path, 'values', f.key, 'items']));
              keys.push({ name: f.key, range: f.keyRange });
            }
            v.values = values;
            this.sources.variantValueKeys.set(v, keys);
          }
        }
      }
      if (named) out.push(v);
    });
    return out;
  }

  run(node: unknown, at: Span, values: ValueDef[]): RunSettings {
    const run: RunSettings = { samples: DEFAULT_SAMPLES, guard: false, session: 'history', order: [...values.map((v) => v.name), 'action'], shuffleItems: false, models: [] };
    if (node === undefined) return run;
    const map = this.asMap(node, at, '`run`');
    if (!map) return run;
    run.range = this.span(map, at);
    for (const e of this.entries(map, at, ['run'], '`run`')) {
      switch (e.key) {
        case 'samples': {
          if (isMap(e.value)) { this.sequentialSamples(e.value, e.keyRange, run); break; }
          const n = this.integer(e.value, e.valueRange, '`samples`', ' or `{ min, max, until: asserts }`');
          if (n !== undefined && n < 1) this.report('out-of-range', `\`samples\` must be at least 1, not ${n}.`, e.valueRange);
          else if (n !== undefined) run.samples = n;
          break;
        }
        case 'temperature': {
          const n = this.number(e.value, e.valueRange, '`temperature`');
          if (n !== undefined && (n < 0 || n > 2)) this.report('out-of-range', `\`temperature\` must be between 0 and 2, not ${n}.`, e.valueRange);
          else if (n !== undefined) run.temperature = n;
          break;
        }
        case 'seed': { const n = this.integer(e.value, e.valueRange, '`seed`'); if (n !== undefined) run.seed = n; break; }
        case 'max-tokens': {
          const n = this.integer(e.value, e.valueRange, '`max-tokens`');
          if (n !== undefined && n < 1) this.report('out-of-range', `\`max-tokens\` must be at least 1, not ${n}.`, e.valueRange);
          else if (n !== undefined) run.maxTokens = n;
          break;
        }
        case 'session': {
          const s = this.str(e.value, e.valueRange, '`session`');
          if (s && s.value !== 'history' && s.value !== 'stateless') {
            const guess = closest(s.value, ['history', 'stateless']);
            this.report('invalid-enum', `\`session\` is \`history\` or \`stateless\`, not \`${s.value}\`.${guess ? ` Did you mean \`${guess}\`?` : ''}`, s.range, guess ? { title: `Change to \`${guess}\``, replacement: guess } : undefined);
          } else if (s) run.session = s.value as SessionMode;
          break;
        }
        case 'order': {
          const seq = this.asSeq(e.value, e.keyRange, '`order`');
          if (seq) {
            const order: Located[] = [];
            for (const r of seq.items) { const s = this.str(this.deref(r), e.keyRange, 'an `order` entry'); if (s) order.push(s); }
            run.order = order.map((o) => o.value);
            this.sources.order = { entries: order, key: e.keyRange };
          }
          break;
        }
        case 'shuffle-items': { const b = this.boolean(e.value, e.valueRange, '`shuffle-items`'); if (b !== undefined) run.shuffleItems = b; break; }
        case 'guard': { const b = this.boolean(e.value, e.valueRange, '`guard`'); if (b !== undefined) { run.guard = b; run.guardRange = e.valueRange; } break; }
        case 'models': {
          const seq = this.asSeq(e.value, e.keyRange, '`models`');
          if (seq) {
            for (const r of seq.items) {
              const s = this.str(this.deref(r), e.keyRange, 'a model id');
              if (!s) continue;
              if (!/^[^/\s]+\/\S+$/.test(s.value)) this.report('invalid-model-id', `Model id \`${s.value}\` must be written \`provider/model\`, e.g. \`openai/gpt-4o-mini\`.`, s.range);
              else run.models.push(s.value);
            }
          }
          break;
        }
      }
    }
    return run;
  }

  assert(node: unknown, at: Span): Threshold[] {
    const map = this.asMap(node, at, '`assert`');
    if (!map) return [];
    const out: Threshold[] = [];
    const metrics: readonly string[] = ASSERT_METRICS;
    const keys = new Map<string, Span>();
    this.sources.assertKeys = keys;
    for (const e of this.entries(map, at, undefined, '`assert`')) {
      keys.set(e.key, e.keyRange);
      if (!metrics.includes(e.key)) {
        const guess = closest(e.key, metrics);
        this.report('unknown-metric', `\`${e.key}\` is not a metric. ${guess ? `Did you mean \`${guess}\`?` : `Metrics: ${metrics.join(', ')}.`}`, e.keyRange, guess ? { title: `Change to \`${guess}\``, replacement: guess } : undefined);
        continue;
      }
      const tmap = this.asMap(e.value, e.keyRange, `the \`${e.key}\` threshold`);
      if (!tmap) continue;
      const t: Threshold = { metric: e.key, range: { start: e.keyRange.start, end: e.valueRange.end } };
      let maxRange = e.keyRange;
      let bounds = 0;
      for (const f of this.entries(tmap, e.keyRange, ['assert', e.key], `the \`${e.key}\` threshold`)) {
        if (f.key === 'form') {
          const form = this.word<VaarFormName>(f.value, f.valueRange, 'the VAAR `form`', VAAR_FORMS);
          if (form) t.form = form.value;
          continue;
        }
        bounds++;
        const n = this.number(f.value, f.valueRange, `\`${f.key}\``);
        if (n === undefined) continue;
        if (n < 0 || n > 1) { this.report('out-of-range', `\`${e.key}\` is a share between 0 and 1; \`${f.key}\` cannot be ${n}.`, f.valueRange); continue; }
        if (f.key === 'min') t.min = n;
        else { t.max = n; maxRange = f.valueRange; }
      }
      if (t.min === undefined && t.max === undefined) {
        // Only when no bound was written: a written but broken bound has been reported already.
        if (bounds === 0) this.report('empty-threshold', `The \`${e.key}\` threshold needs \`min\`, \`max\` or both.`, e.keyRange);
        continue;
      }
      if (t.min !== undefined && t.max !== undefined && t.min > t.max) {
        this.report('threshold-bounds', `The \`${e.key}\` threshold's \`min\` (${t.min}) is above its \`max\` (${t.max}): nothing could pass.`, maxRange);
      }
      out.push(t);
    }
    return out;
  }

  scenario(root: YAMLMap): Scenario {
    const at = this.span(root, { start: 0, end: 0 });
    const first = root.items.length ? this.span(this.deref((root.items[0] as { key?: unknown }).key), at) : at;
    const s: Scenario = {
      id: '', idRange: first, vars: new Map(), personas: [], values: [], arbitration: [], variants: [],
      run: { samples: DEFAULT_SAMPLES, guard: false, session: 'history', order: [], shuffleItems: false, models: [] }, assert: [],
    };
    const entries = this.entries(root, first, [], 'the scenario');
    const byKey = new Map(entries.map((e) => [e.key, e] as const));
    const valuesEntry = byKey.get('values');
    if (valuesEntry) s.values = this.values(valuesEntry.value, valuesEntry.keyRange);
    for (const e of entries) {
      switch (e.key) {
        case 'dilemma': { const id = this.name(e.value, e.valueRange, 'the scenario id (`dilemma`)'); if (id) { s.id = id.value; s.idRange = id.range; } break; }
        case 'title': { const t = this.str(e.value, e.valueRange, '`title`'); if (t) s.title = t.value; break; }
        case 'description': { const t = this.str(e.value, e.valueRange, '`description`'); if (t) s.description = t.value; break; }
        case 'vars': s.vars = this.varSet(e.value, e.keyRange, '`vars`'); break;
        case 'persona': { const t = this.template(e.value, e.valueRange, '`persona`'); if (t) s.persona = t; break; }
        case 'personas': {
          const seq = this.asSeq(e.value, e.keyRange, '`personas`');
          // An entry that is not a map is reported and left out, rather than sampled as an empty persona.
          if (seq) seq.items.forEach((p, i) => { const n = this.deref(p); const set = this.varSet(n, this.span(n, e.keyRange), `personas entry ${i + 1}`); if (isMap(n)) s.personas.push(set); });
          break;
        }
        case 'action': { const a = this.action(e.value, e.keyRange); if (a) s.action = a; break; }
        case 'arbitration': s.arbitration = this.arbitration(e.value, e.keyRange); break;
        case 'variants': s.variants = this.variants(e.value, e.keyRange); break;
        case 'run': s.run = this.run(e.value, e.keyRange, s.values); break;
        case 'assert': s.assert = this.assert(e.value, e.keyRange); break;
        case 'perturb': { const p = readPerturb(this, e.value, e.keyRange); if (p) s.perturb = p; break; }
        case 'principle': { const p = readPrinciple(this, e.value, e.keyRange); if (p) s.principle = p; break; }
      }
    }
    if (!byKey.has('run')) s.run = this.run(undefined, first, s.values);
    if (!byKey.has('variants') || s.variants.length === 0) {
      s.variants = [{ name: 'baseline', nameRange: { start: 0, end: 0 }, vars: new Map(), implicit: true, range: { start: 0, end: 0 } }];
    }
    return s;
  }
}

/** Keeps a quoted piece of the user's text short enough for a one-line message. */
function short(s: string): string {
  const line = s.replace(/\s+/g, ' ');
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * A plain hint for the YAML errors a scenario author meets most (issue 10 §9): an unquoted value that
 * holds `: ` (read as a new key) or starts with `{` or `[` (read as a flow mapping or list, as a
 * `{{placeholder}}` at the start of a value is). Empty when the line at the error shows neither.
 */
export function yamlHint(text: string, offset: number, code: string): string {
  const lineStart = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  const lineEndAt = text.slice(lineStart).search(/\r\n|\r|\n/);
  const line = lineEndAt < 0 ? text.slice(lineStart) : text.slice(lineStart, lineStart + lineEndAt);
  const m = /^\s*(?:-\s+)?([A-Za-z_][\w.-]*):[ \t]+(.+?)\s*$/.exec(line);
  if (!m) return '';
  const [, key, value] = m as unknown as [string, string, string];
  if (/^['"]/.test(value)) return '';
  const quoted = `${key}: "${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  if (code === 'BLOCK_AS_IMPLICIT_KEY' && /:\s/.test(value)) return `. The value of \`${key}\` contains \`: \`, which YAML reads as a new key: put the whole value in quotes, \`${short(quoted)}\`.`;
  if (/^[{[]/.test(value)) return `. The value of \`${key}\` starts with \`${value[0]}\`, which YAML reads as the start of a ${value[0] === '{' ? 'mapping (a `{{placeholder}}` too)' : 'list'}: put the whole value in quotes, \`${short(quoted)}\`.`;
  return '';
}

function yamlProblems(doc: Document.Parsed, text: string): Problem[] {
  const textLength = text.length;
  const clamp = (n: number) => Math.max(0, Math.min(n, textLength));
  const out: Problem[] = [];
  for (const err of doc.errors) {
    const start = clamp(err.pos[0]);
    const range = { start, end: Math.max(start, clamp(err.pos[1])) };
    if (err.code === 'DUPLICATE_KEY') out.push(makeProblem('duplicate-key', 'This key already appears earlier in the same mapping; keys must be unique.', range));
    else out.push(makeProblem('yaml-syntax', `YAML syntax: ${err.message.split('\n')[0] ?? err.message}${yamlHint(text, start, err.code)}`, range));
  }
  for (const w of doc.warnings) {
    const start = clamp(w.pos[0]);
    out.push(makeProblem('yaml-warning', `YAML: ${w.message.split('\n')[0] ?? w.message}`, { start, end: Math.max(start, clamp(w.pos[1])) }));
  }
  return out;
}

/** Parses a scenario file into the model, reporting YAML syntax and structural/type problems. Never throws. */
export function parseScenario(text: string): ParsedScenario {
  // Line starts from the text itself: the parser's own counter misses breaks in error-recovered tokens and lone CRs.
  const lineCounter = textLineCounter(text);
  const doc = parseDocument(text, { prettyErrors: false, keepSourceTokens: false });
  const problems = yamlProblems(doc, text);
  const reader = new ScenarioReader(doc, text);
  const root = doc.contents;
  let scenario: Scenario | undefined;
  if (isMap(root)) {
    try {
      scenario = reader.scenario(root);
    } catch (e) {
      // A bug here must not take the editor down with it: report it where the user can see it.
      reader.report('yaml-syntax', `Internal error while reading the scenario: ${e instanceof Error ? e.message : String(e)}`, { start: 0, end: 0 });
    }
  } else if (root === null || (isScalar(root) && root.value === null)) {
    reader.report('missing-field', 'The file is empty: a scenario needs `dilemma`, `values` and `action`.', { start: 0, end: 0 });
  } else {
    reader.report('wrong-type', `A scenario must be a mapping of fields (\`dilemma:\`, \`values:\`, ...), not ${kindOf(root)}.`, reader.span(root, { start: 0, end: 0 }));
  }
  // Where YAML itself failed, the structure there is the parser's best guess: one problem per place is
  // enough, and a structural complaint about a node on the line of a YAML error (a value read as a
  // mapping because it starts with `{`) follows from that error, so it is not reported apart.
  const lineOf = (offset: number): number => lineCounter.linePos(offset).line;
  const yamlStarts = new Set(problems.filter((p) => p.code === 'yaml-syntax').map((p) => p.range.start));
  const yamlLines = new Set([...yamlStarts].map(lineOf));
  problems.push(...reader.problems.filter((p) => !yamlStarts.has(p.range.start) && !yamlLines.has(lineOf(p.range.start))));
  return { text, doc, lineCounter, ...(scenario ? { scenario } : {}), problems, sources: reader.sources };
}

