/**
 * What the editor draws on a scenario file after a run, as offsets into the file's text: a summary
 * after each variant line with a gutter mark (aligned, diverging, failed), the mean stated answer
 * after each value item, and on a diverging variant the words its prompt changed against the
 * baseline, with a hover that explains the divergence. Pure: the decoration owner only applies it.
 */
import type { PromptDiff, ScenarioAnalysis } from '../analysis/analyzeRun';
import type { DiffSegment } from '../analysis/textDiff';
import type { SampleAnalysis } from '../analysis/divergence';
import type { VariantStats } from '../analysis/variantStats';
import type { SessionRecord } from '../run/record';
import type { Item, Scale, Scenario, Span, Template, Variant, VarEntry } from '../scenario/model';
import { markdownText } from '../scenario/markdownText';
import { ruleStatedText, statedAction, statedTone, valueStatedText, type StatedTone } from './statedAction';

export type VariantKind = 'aligned' | 'diverging' | 'failed';

export interface VariantMark {
  variant: string;
  kind: VariantKind;
  /** Where the after-text goes: the end of the variant's first line. */
  at: number;
  /** Start of that line, for the gutter mark. */
  line: number;
  text: string;
  hover: string;
}

export interface ItemMark {
  item: string;
  at: number;
  text: string;
  /** Every model's mean, when several models ran. */
  hover?: string;
}

/**
 * Stated versus action on a line that states it: a value's declaration, an `expect` entry, or an
 * arbitration rule (see statedAction.ts). Marks that fall on one line (an inline `expect` map) are
 * merged into one, which takes the strongest tone.
 */
export interface StatedMark {
  kind: 'value' | 'expect' | 'rule';
  /** The value name, or the rule's index as text. */
  name: string;
  tone: StatedTone;
  /** End of the line: where the after-text goes. */
  at: number;
  /** Start of that line. */
  line: number;
  text: string;
  hover: string;
}

export interface ChangedWords {
  variant: string;
  range: Span;
  hover: string;
}

export interface DecorationPlan {
  /** The models shown, comma-separated. */
  model: string;
  /** The model whose figures the line texts show (the others are in the hover and the `+n`). */
  picked: string;
  variants: VariantMark[];
  items: ItemMark[];
  changed: ChangedWords[];
  stated: StatedMark[];
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const num = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  const end = nl < 0 ? text.length : nl;
  return text[end - 1] === '\r' ? end - 1 : end;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
}

/**
 * The divergence limit a variant is judged against: the scenario's `assert: divergence: { max }`
 * when it has one, else any divergent sample makes the variant diverging.
 */
export function divergenceLimit(scenario: Scenario): number {
  const t = scenario.assert.find((a) => a.metric === 'divergence' && a.max !== undefined);
  return t?.max ?? 0;
}

/** Aligned, diverging or failed, from a variant's statistics. */
export function variantKind(stats: VariantStats, limit: number): VariantKind {
  if (stats.sessions > 0 && (stats.failedSessions === stats.sessions || stats.actions === 0)) return 'failed';
  const r = stats.divergence.rate;
  return r !== null && r > limit ? 'diverging' : 'aligned';
}

/** "share ×7 · decline ×3 │ diverge 20% (2/10)": the action distribution and the divergence rate with its n. */
export function variantSummary(stats: VariantStats): string {
  const dist = stats.distribution.map((d) => `${d.outcome} ×${d.count}`).join(' · ') || 'no readable action';
  const d = stats.divergence;
  const div = d.rate === null ? 'diverge n/a (0 determined)' : `diverge ${pct(d.rate)} (${d.count}/${d.n})`;
  const failed = stats.failedSessions > 0 ? ` │ ${stats.failedSessions} failed` : '';
  return `${dist} │ ${div}${failed}`;
}

/** The commonest reason among the arbiter's decisions for the divergent samples. */
function commonReason(samples: readonly SampleAnalysis[]): string | undefined {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(s.implied.reason, (counts.get(s.implied.reason) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** The last messages of a transcript, at most `maxChars` of their text; every message's text escaped (a model's answer is never markup). */
function transcriptExcerpt(r: SessionRecord, maxChars = 600): string {
  let left = maxChars;
  const lines: string[] = [];
  for (const m of (r.transcript ?? []).slice(-4)) {
    if (left <= 0) break;
    const content = m.content.replace(/\s+/g, ' ').trim();
    const cut = content.length > left ? `${content.slice(0, left)}…` : content;
    left -= content.length;
    lines.push(`**${markdownText(m.role)}:** ${markdownText(cut)}`);
  }
  return lines.join('\n\n');
}

/**
 * Hover markdown of a variant: stated scores, the action, the arbiter's reason and sample transcripts.
 * Every text from the scenario file or from a model is escaped (`markdownText`): none of it renders as markup.
 */
export function variantHover(stats: VariantStats, samples: readonly SampleAnalysis[], records: readonly SessionRecord[], kind: VariantKind): string {
  const md = markdownText;
  const out = [`**${md(stats.variant)}** on ${md(stats.model)}: ${kind} (${stats.sessions} sessions)`, ''];
  out.push('| value | mean stated | held |', '|---|---|---|');
  for (const v of stats.values) out.push(`| ${md(v.value)} | ${v.mean === null ? 'n/a' : num(v.mean)}${v.sd !== null ? ` ± ${num(v.sd)}` : ''} (n=${v.n}) | ${v.held}/${v.n} |`);
  out.push('', `**Action:** ${md(variantSummary(stats))}`);
  const divergent = samples.filter((s) => s.divergent === true);
  const reason = commonReason(divergent);
  if (reason) out.push('', `**Arbiter:** ${md(reason)}`);
  const byKey = new Map(records.map((r) => [r.key, r] as const));
  const shown = divergent.slice(0, 2).map((s) => byKey.get(s.key)).filter((r): r is SessionRecord => !!r?.transcript?.length);
  for (const r of shown) {
    const s = divergent.find((x) => x.key === r.key)!;
    out.push('', `---`, `*Sample ${r.sample + 1}${r.persona ? `, persona ${r.persona + 1}` : ''}: implied **${md(s.implied.action ?? '?')}**, took **${md(s.action.outcome ?? s.action.status)}***`, '', transcriptExcerpt(r));
  }
  return out.join('\n');
}

/** Mean of the raw answers to each item (before reverse-coding, as the model wrote them), with n. */
export function itemMeans(records: readonly SessionRecord[], model: string): Map<string, { mean: number; n: number }> {
  const acc = new Map<string, { sum: number; n: number }>();
  for (const r of records) {
    if (r.model !== model) continue;
    for (const a of r.items) {
      if (a.status !== 'ok' || typeof a.answer !== 'number') continue;
      const e = acc.get(a.item) ?? { sum: 0, n: 0 };
      e.sum += a.answer;
      e.n++;
      acc.set(a.item, e);
    }
  }
  return new Map([...acc].map(([k, e]) => [k, { mean: e.sum / e.n, n: e.n }]));
}

/** A piece of rendered text and where it came from in the source. */
interface Piece {
  start: number;
  end: number;
  /** Source offset of the piece's first character, when it maps one to one; else the range to mark whole. */
  source: { offset: number } | { range: Span };
}

/**
 * Maps a template's text to source offsets line by line (a block scalar indents every line in the
 * source; a plain or single-line scalar is found as written). Lines it cannot find map to nothing.
 */
function templateOffsets(t: Template, text: string): (number | undefined)[] {
  const map: (number | undefined)[] = new Array<number | undefined>(t.text.length).fill(undefined);
  let cursor = t.range.start;
  let at = 0;
  for (const line of t.text.split('\n')) {
    if (line.length > 0) {
      const found = text.indexOf(line, cursor);
      if (found >= 0 && found < t.range.end) {
        for (let i = 0; i < line.length; i++) map[at + i] = found + i;
        cursor = found + line.length;
      }
    }
    at += line.length + 1;
  }
  return map;
}

function valueOffset(entry: VarEntry, text: string): { offset: number } | { range: Span } {
  const i = text.slice(entry.valueRange.start, entry.valueRange.end).indexOf(entry.value);
  return i >= 0 ? { offset: entry.valueRange.start + i } : { range: entry.valueRange };
}

/**
 * Renders a template as `renderTemplate` does, recording for every piece of the output where it
 * came from: literal text to the template's source, a placeholder's value to the var that set it
 * (the variant's own var value when the variant sets it, else the placeholder in the template).
 */
function renderWithSources(scenario: Scenario, variant: Variant, t: Template, text: string): { rendered: string; pieces: Piece[] } {
  const sources = new Map<string, VarEntry>();
  for (const set of [scenario.vars, scenario.personas[0], variant.vars]) if (set) for (const [k, e] of set) sources.set(k, e);
  const offsets = templateOffsets(t, text);
  const pieces: Piece[] = [];
  let rendered = '';
  let last = 0;
  let index = 0;
  const literal = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const o = offsets[i];
      if (o !== undefined) pieces.push({ start: rendered.length + i - from, end: rendered.length + i - from + 1, source: { offset: o } });
    }
    rendered += t.text.slice(from, to);
  };
  for (const m of t.text.matchAll(/\{\{([^{}]*)\}\}/g)) {
    const name = (m[1] ?? '').trim();
    const entry = sources.get(name);
    const located = t.placeholders[index]?.name === name ? t.placeholders[index] : t.placeholders.find((p) => p.name === name);
    index++;
    if (!entry) continue;
    literal(last, m.index);
    const start = rendered.length;
    rendered += entry.value;
    const fromVariant = variant.vars.get(name) === entry;
    const src = fromVariant ? valueOffset(entry, text) : { range: located?.range ?? t.range };
    if ('offset' in src) for (let i = 0; i < entry.value.length; i++) pieces.push({ start: start + i, end: start + i + 1, source: { offset: src.offset + i } });
    else pieces.push({ start, end: rendered.length, source: src });
    last = m.index + m[0].length;
  }
  literal(last, t.text.length);
  return { rendered, pieces };
}

/**
 * A changed word's source range and what it was in the baseline, as one plain-text line: for a var the
 * variant sets, `baseline: wellness programme → insurer: health insurer` (the var's baseline value, its
 * name and the variant's value); for words of the variant's own prompt, the baseline's words they replace.
 */
export interface ChangedSpan extends Span {
  baseline: string;
}

/** Source ranges of the words a variant's action prompt added against the baseline's (merged, in order), each with what it was in the baseline. */
export function changedWordRanges(scenario: Scenario, variant: Variant, diff: PromptDiff, text: string): ChangedSpan[] {
  const t = variant.action?.prompt ?? scenario.action?.prompt;
  if (!t) return [];
  const { rendered, pieces } = renderWithSources(scenario, variant, t, text);
  // The analysis rendered the same prompt; if not (e.g. persona vars in the prompt), mark nothing rather than the wrong words.
  if (rendered !== diff.prompt.variant) return [];
  // The changed stretches: removed and added words between two unchanged ones (a shared space belongs to the stretch).
  const hunkOf = new Map<DiffSegment, { removed: string; added: string }>();
  let open: { removed: string; added: string } | undefined;
  for (const seg of diff.prompt.segments) {
    if (seg.kind === 'equal') {
      if (open && seg.text.trim() === '') { open.removed += seg.text; open.added += seg.text; } else open = undefined;
      continue;
    }
    if (!open) open = { removed: '', added: '' };
    open[seg.kind] += seg.text;
    hunkOf.set(seg, open);
  }
  const baseVars = new Map<string, VarEntry>();
  for (const set of [scenario.vars, scenario.personas[0], scenario.variants[0]?.vars]) if (set) for (const [k, e] of set) baseVars.set(k, e);
  const flat = (x: string): string => x.replace(/\s+/g, ' ').trim();
  const note = (span: Span, seg: DiffSegment): string => {
    const own = [...variant.vars.values()].find((e) => e.valueRange.start <= span.start && span.end <= e.valueRange.end);
    if (own) return `baseline: ${flat(baseVars.get(own.name)?.value ?? '(not set)')} → ${own.name}: ${flat(own.value)}`;
    const hunk = hunkOf.get(seg);
    const was = flat(hunk?.removed ?? '');
    return `baseline: ${was ? `"${was}"` : '(not in the baseline)'} → "${flat(hunk?.added ?? seg.text)}"`;
  };
  const spans: ChangedSpan[] = [];
  for (const seg of diff.prompt.segments) {
    if (seg.kind !== 'added' || !seg.text.trim()) continue;
    // Leading and trailing whitespace of a segment is not a word.
    const lead = seg.text.length - seg.text.trimStart().length;
    const trail = seg.text.length - seg.text.trimEnd().length;
    const from = seg.start + lead;
    const to = seg.end - trail;
    for (const p of pieces) {
      if (p.end <= from || p.start >= to) continue;
      const span = 'offset' in p.source ? { start: p.source.offset, end: p.source.offset + 1 } : p.source.range;
      const prev = spans[spans.length - 1];
      if (prev && span.start >= prev.start && span.start <= prev.end) prev.end = Math.max(prev.end, span.end);
      else spans.push({ ...span, baseline: note(span, seg) });
    }
  }
  return spans;
}

function groupBy<T>(xs: readonly T[], keyOf: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = keyOf(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

function variantAnchor(scenario: Scenario, v: Variant): number {
  return v.implicit ? scenario.idRange.start : v.nameRange.start;
}

/** The model's name without its provider, to keep an after-text short. */
export const shortName = (model: string): string => model.slice(model.indexOf('/') + 1);

const TONE_ORDER: Record<StatedTone, number> = { none: 0, agree: 1, mixed: 2, against: 3 };

/**
 * The stated-versus-action marks of the picked model on each value's line, each `expect` entry and
 * each arbitration rule; the hover gives every model's counts.
 */
export function statedMarks(scenario: Scenario, text: string, analysis: ScenarioAnalysis, models: readonly string[], picked: string, labelOf?: (model: string, variant: string) => string | undefined): StatedMark[] {
  const limit = divergenceLimit(scenario);
  const session = analysis.session;
  const per = models.map((m) => statedAction(scenario, analysis.samples, m, session));
  // Provenance, as on the variant lines: counts over variants some of whose figures are partial or come
  // from an older run say so (the hover names each variant's label).
  const shownModel = models.includes(picked) ? picked : models[0] ?? '';
  const labelled = labelOf ? analysis.variants.flatMap((v) => { const l = labelOf(shownModel, v); return l ? [`${v}: ${l}`] : []; }) : [];
  const provenance = labelled.length === 0 ? '' : ` │ ${labelled.some((l) => /partial/.test(l)) ? 'partial figures' : 'from older runs'}`;
  const provenanceHover = labelled.length === 0 ? '' : `\n\n*${markdownText(labelled.join('; '))}*`;
  const others = `${provenance}${models.length > 1 ? ` · +${models.length - 1}` : ''}`;
  const md = markdownText;
  const hoverTable = (title: string, rows: string[]): string => [title, '', ...rows].join('\n');
  const raw: Omit<StatedMark, 'line' | 'at'>[] = [];
  const anchors: number[] = [];
  const valueMark = (kind: 'value' | 'expect', name: string, anchor: number): void => {
    const texts = per.map((p) => {
      const v = p.values.find((x) => x.value === name)!;
      const tone = statedTone(v.share, limit);
      return { model: p.model, tone, text: valueStatedText(v, tone, session) };
    });
    const mine = texts.find((t) => t.model === picked) ?? texts[0]!;
    const rows = texts.map((t) => `- **${md(t.model)}**: ${md(t.text)}`);
    raw.push({
      kind, name, tone: mine.tone, text: `${mine.text}${others}`,
      hover: hoverTable(`**Stated versus action: ${md(name)}** (held = mean stated score above the scale midpoint; acted = the holders' actions against what \`expect\` names)`, rows) + provenanceHover,
    });
    anchors.push(anchor);
  };
  for (const v of scenario.values) valueMark('value', v.name, v.nameRange.start);
  for (const e of scenario.action?.expect ?? []) if (scenario.values.some((v) => v.name === e.value)) valueMark('expect', e.value, e.valueRange.start);
  for (const [i, rule] of scenario.arbitration.entries()) {
    const texts = per.map((p) => {
      const r = p.rules[i]!;
      const tone = statedTone(r.share, limit);
      return { model: p.model, tone, text: ruleStatedText(r, tone, session) };
    });
    const mine = texts.find((t) => t.model === picked) ?? texts[0]!;
    const rows = texts.map((t) => `- **${md(t.model)}**: ${md(t.text)}`);
    raw.push({
      kind: 'rule', name: String(i), tone: mine.tone, text: `${mine.text}${others}`,
      hover: hoverTable(`**Arbitration rule ${i + 1}** (decided = this rule set the implied action; obeyed = the action taken was that one)`, rows) + provenanceHover,
    });
    anchors.push(rule.range.start);
  }
  // One mark per line: an inline expect map puts several entries on one line; each part then names its value.
  const byLine = new Map<number, { line: number; at: number; parts: Omit<StatedMark, 'line' | 'at'>[] }>();
  raw.forEach((m, k) => {
    const line = lineStart(text, anchors[k]!);
    const entry = byLine.get(line) ?? { line, at: lineEnd(text, anchors[k]!), parts: [] };
    entry.parts.push(m);
    byLine.set(line, entry);
  });
  const out: StatedMark[] = [];
  for (const { line, at, parts } of byLine.values()) {
    const first = parts[0]!;
    if (parts.length === 1) {
      out.push({ ...first, line, at });
      continue;
    }
    const tone = parts.reduce<StatedTone>((t, p) => (TONE_ORDER[p.tone] > TONE_ORDER[t] ? p.tone : t), 'none');
    out.push({ ...first, tone, line, at, text: parts.map((p) => `${p.kind === 'rule' ? `rule ${Number(p.name) + 1}` : p.name}: ${p.text}`).join(' ║ '), hover: parts.map((p) => p.hover).join('\n\n') });
  }
  return out;
}

/**
 * What one plan keeps for the next of the same text and models: per model and variant, the marks'
 * texts with the inputs they came from, so a results update rebuilds only the variants whose
 * sessions changed. The owner keeps one per document; a plan with another text or models resets it.
 */
export interface PlanMemo {
  text?: string;
  models?: string;
  parts: Map<string, { stats: VariantStats; samples: readonly SampleAnalysis[]; records: readonly SessionRecord[]; label?: string; part: { kind: VariantKind; text: string; hover: string } }>;
  changed: Map<string, { prompt: PromptDiff['prompt']; ranges: ChangedSpan[] }>;
}

/** An empty plan memo. */
export function createPlanMemo(): PlanMemo {
  return { parts: new Map(), changed: new Map() };
}

const sameItems = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The decoration plan of a scenario's results. Each line text shows one model's figures, coloured
 * by that model's own kind and named by its short name: the picked model (`picked`, else the first).
 * With several models a `+n` says how many more there are, and the hover gives every model's figures;
 * no model's figure takes another's colour. Items of reworded questionnaires are marked where they
 * are written. Each value's line, `expect` entry and arbitration rule gets its stated-versus-action mark.
 */
export function decorationPlan(scenario: Scenario, text: string, analysis: ScenarioAnalysis, records: readonly SessionRecord[], models: readonly string[] = analysis.models, memo?: PlanMemo, labelOf?: (model: string, variant: string) => string | undefined, picked?: string): DecorationPlan {
  const shown = picked !== undefined && models.includes(picked) ? picked : models[0] ?? '';
  const plan: DecorationPlan = { model: models.join(', '), picked: shown, variants: [], items: [], changed: [], stated: [] };
  if (models.length === 0) return plan;
  if (memo && (memo.text !== text || memo.models !== plan.model)) {
    memo.text = text;
    memo.models = plan.model;
    memo.parts.clear();
    memo.changed.clear();
  }
  const many = models.length > 1;
  const limit = divergenceLimit(scenario);
  // Indexed once: a scan of every session per variant made the plan O(variants x sessions).
  const key = (model: string, variant: string): string => `${model}\u0000${variant}`;
  const perVariant = new Map<string, ScenarioAnalysis['perVariant'][number]>();
  for (const p of analysis.perVariant) if (!perVariant.has(key(p.stats.model, p.stats.variant))) perVariant.set(key(p.stats.model, p.stats.variant), p);
  const samplesOf = groupBy(analysis.samples, (s) => key(s.model, s.variant));
  const recordsOf = groupBy(records, (r) => key(r.model, r.variant));
  const recordsByVariant = groupBy(records, (r) => r.variant);
  const diffs = new Map<string, PromptDiff>();
  for (const d of analysis.promptDiffs) if (!diffs.has(d.variant)) diffs.set(d.variant, d);
  for (const v of scenario.variants) {
    const parts = models.flatMap((model) => {
      const va = perVariant.get(key(model, v.name));
      if (!va) return [];
      const samples = samplesOf.get(key(model, v.name)) ?? [];
      const mine = recordsOf.get(key(model, v.name)) ?? [];
      const label = labelOf?.(model, v.name);
      const hit = memo?.parts.get(key(model, v.name));
      if (hit && hit.stats === va.stats && hit.label === label && sameItems(hit.samples, samples) && sameItems(hit.records, mine)) return [{ model, ...hit.part }];
      const kind = variantKind(va.stats, limit);
      // Provenance: a partial figure, or one from another run than the latest full one, says so on the line.
      const summary = `${variantSummary(va.stats)}${label ? ` │ ${label}` : ''}`;
      const hover = variantHover(va.stats, samples, mine, kind);
      const part = { kind, text: `${shortName(model)}: ${summary}`, hover: label ? `${hover}\n\n*${label}*` : hover };
      memo?.parts.set(key(model, v.name), { stats: va.stats, samples, records: mine, part, ...(label ? { label } : {}) });
      return [{ model, ...part }];
    });
    if (parts.length === 0) continue;
    const anchor = variantAnchor(scenario, v);
    // The line shows the picked model (or, when it has no result for this variant, the first that has one) in its own colour.
    const main = parts.find((p) => p.model === shown) ?? parts[0]!;
    const hover = parts.map((p) => p.hover).join('\n\n---\n\n');
    const others = parts.length > 1 ? ` · +${parts.length - 1}` : '';
    plan.variants.push({ variant: v.name, kind: main.kind, at: lineEnd(text, anchor), line: lineStart(text, anchor), text: `${main.text}${others}`, hover });
    const diff = diffs.get(v.name);
    if (parts.some((p) => p.kind === 'diverging') && diff && !diff.prompt.identical) {
      const hit = memo?.changed.get(v.name);
      const ranges = hit?.prompt === diff.prompt ? hit.ranges : changedWordRanges(scenario, v, diff, text);
      memo?.changed.set(v.name, { prompt: diff.prompt, ranges });
      // the word's own change first (plain text, escaped: it is the scenario's), then the variant's figures
      for (const range of ranges) plan.changed.push({ variant: v.name, range: { start: range.start, end: range.end }, hover: `${markdownText(range.baseline)}\n\n---\n\n${hover}` });
    }
  }
  // A reworded questionnaire shares item ids with the scenario's: each item's mean is taken only over
  // the sessions that were asked that wording.
  const rewords = (v: Variant | undefined, value: string): boolean => !!v?.values?.has(value);
  const byName = new Map(scenario.variants.map((v) => [v.name, v] as const));
  // The means of one set of sessions, per model, computed once for all the items marked over it.
  const meansOver = (sessions: readonly SessionRecord[], scale: Scale | undefined): ((item: Item) => void) => {
    const perModel = models.map((model) => itemMeans(sessions, model));
    const of = scale ? ` / ${scale.max}` : '';
    return (item) => {
      const means = models.flatMap((model, i) => {
        const m = perModel[i]!.get(item.id);
        return m ? [{ model, short: `${m.mean.toFixed(1)}${of}`, text: `${m.mean.toFixed(1)}${of} (n=${m.n})` }] : [];
      });
      if (!means.length) return;
      const main = means.find((m) => m.model === shown) ?? means[0]!;
      // With several models the line gives the picked model's mean and `+n` (its name and every n are in
      // the hover): an item sentence nearly fills a line at 1400 px, so the text stays short.
      const mark: ItemMark = { item: item.id, at: lineEnd(text, item.text.range.start), text: `mean ${means.length > 1 ? `${main.short} · +${means.length - 1}` : main.text}` };
      if (many) mark.hover = [`**Mean stated answer** (as written, before reverse-coding; the line shows ${markdownText(main.model)})`, '', ...means.map((m) => `- **${markdownText(m.model)}**: ${markdownText(m.text)}`)].join('\n');
      plan.items.push(mark);
    };
  };
  const reworded = scenario.variants.filter((v) => v.values?.size);
  for (const value of scenario.values) {
    // Without rewording variants every session was asked the scenario's wording: no filter needed.
    const asked = reworded.some((v) => rewords(v, value.name)) ? records.filter((r) => !rewords(byName.get(r.variant), value.name)) : records;
    const mark = meansOver(asked, value.scale);
    for (const item of value.items) mark(item);
  }
  for (const v of reworded) {
    for (const [value, items] of v.values ?? []) {
      const mark = meansOver(recordsByVariant.get(v.name) ?? [], scenario.values.find((x) => x.name === value)?.scale);
      for (const item of items) mark(item);
    }
  }
  plan.stated = statedMarks(scenario, text, analysis, models, shown, labelOf);
  return plan;
}
