/**
 * Reading a model's reply into an integer on a scale or a choice id. The reply is read first: a
 * refusal-worded reply that still states one choice or one number ("I'm afraid I'd have to say 2.",
 * "I'm not comfortable with that, so I decline.") is that answer. What states no single answer is
 * `refused` when it is worded as a refusal, else `unparsed`; either keeps no value, and an answer that
 * states two different candidates is never resolved by guessing (method.md, "What is never done").
 */
import type { PromptChoice } from './prompts';

export type ReadStatus = 'ok' | 'unparsed' | 'refused';

export interface ScaleReading {
  status: ReadStatus;
  /** Only when `status` is `ok`. */
  value?: number;
}

export interface ChoiceReading {
  status: ReadStatus;
  /** Only when `status` is `ok`. */
  choice?: string;
}

const REFUSAL = new RegExp(
  [
    String.raw`\bI(?:'|’)?m\s+(?:sorry|afraid|not\s+(?:able|comfortable|going\s+to)|unable)\b`,
    String.raw`\bI\s+am\s+(?:sorry|afraid|not\s+(?:able|comfortable|going\s+to)|unable)\b`,
    String.raw`\bI\s+(?:can(?:not|'t|’t)|won(?:'|’)?t|will\s+not|must\s+decline\s+to|refuse\s+to|decline\s+to)\s+(?:answer|help|assist|comply|provide|respond|make|choose|give|pick|select|rate|engage|do\s+that|take\s+part|role-?play|share\s+(?:a|an|my)\s+(?:personal\s+)?(?:opinion|view|preference))\b`,
    String.raw`\bI\s+apologi[sz]e\b`,
    String.raw`\bas\s+an?\s+(?:AI|artificial intelligence|language model|assistant)\b`,
    String.raw`\bI\s+(?:do\s+not|don(?:'|’)t)\s+(?:have\s+(?:personal|opinions|feelings|preferences)|feel\s+comfortable)\b`,
    String.raw`\bI(?:'|’)?d\s+(?:rather|prefer)\s+not\s+(?:to\s+)?(?:answer|say|respond|choose|rate)\b`,
    String.raw`\bI\s+(?:would\s+)?prefer\s+not\s+to\s+(?:answer|say|respond|choose|rate)\b`,
  ].join('|'),
  'i',
);

/** Whether the text is worded as a refusal (it may still state an answer: the readers look first). */
export function isRefusal(text: string): boolean {
  return REFUSAL.test(normalise(text));
}

/** Strips a Markdown code fence and surrounding whitespace. */
function unwrap(text: string): string {
  let t = text.trim();
  const fence = /^```[a-z]*\s*\n?([\s\S]*?)\n?```$/i.exec(t);
  if (fence) t = (fence[1] ?? '').trim();
  return t;
}

/** The code point of the digit zero of each decimal-digit block that NFKC does not fold to ASCII. */
const DIGIT_ZEROS = [
  0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66, 0x0de6,
  0x0e50, 0x0ed0, 0x0f20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0xa620, 0xa8d0, 0xa900, 0xaa50,
];

/**
 * One spelling for reading: NFKC (full-width digits and letters to ASCII), other scripts' digits
 * (Arabic-Indic, Devanagari, Thai, ...) to ASCII, typographic quotes and dashes to plain ones,
 * Markdown emphasis and inline code marks removed.
 */
function normalise(text: string): string {
  let t = text.normalize('NFKC');
  t = t.replace(/\p{Nd}/gu, (ch) => {
    const cp = ch.codePointAt(0) as number;
    for (const zero of DIGIT_ZEROS) if (cp >= zero && cp < zero + 10) return String(cp - zero);
    return ch;
  });
  t = t.replace(/[‘’‛`´]/g, "'").replace(/[“”„«»]/g, '"').replace(/[‐‑‒–—−]/g, '-');
  t = t.replace(/\*+|__+|~~/g, '');
  return t;
}

const ANSWER_KEYS = ['answer', 'choice', 'value', 'score', 'rating', 'response', 'id'];

/** The answer field of a JSON object reply, or undefined when the text is not such an object. */
function jsonAnswer(text: string): { found: boolean; value?: unknown } {
  if (!text.startsWith('{') || !text.endsWith('}')) return { found: false };
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return { found: false };
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return { found: false };
  const rec = obj as Record<string, unknown>;
  for (const k of ANSWER_KEYS) if (k in rec) return { found: true, value: rec[k] };
  const keys = Object.keys(rec);
  if (keys.length === 1) return { found: true, value: rec[keys[0] as string] };
  return { found: true, value: undefined };
}

function inRange(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}

const NUMBER_WORDS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
};
/** "one" is a number only where it is not a pronoun or determiner ("no one", "the one", "one of"). */
const NOT_NUMBER_ONE = /(?:\b(?:no|the|any|every|each|this|that|which|some|a|an)\s+|-)$/;
const NOT_NUMBER_ONE_AFTER = /^\s*(?:of|another|or\s+(?:the\s+)?other|way|side|hand|can|might|should|would|must|could|may|who|that|thing|day)\b/;
const CJK_NUMERALS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** Number words as digits ("six" -> "6"; "one" only where it counts). */
function wordsToDigits(lower: string): string {
  return lower.replace(/\b(zero|one|two|three|four|five|six|seven|eight|nine|ten)\b/g, (w: string, _g: string, at: number, all: string) => {
    if (w === 'one' && (NOT_NUMBER_ONE.test(all.slice(0, at)) || NOT_NUMBER_ONE_AFTER.test(all.slice(at + w.length)))) return w;
    return String(NUMBER_WORDS[w]);
  });
}

/** A stated answer after a strong cue ("my answer is 5", "final answer: decline", "rating: 4"). */
const CUE = String.raw`(?:\b(?:final\s+|my\s+)?(?:answer|rating|score|choice|response)\s*(?:is|would\s+be|will\s+be|:|=|-)\s*)`;

/** Negation right before a candidate: "not 7", "wouldn't share", "rather than decline", "never ... 5". */
const NEGATOR = String.raw`(?:\bnot|n't|\bcannot|\bnever|\bneither|\bnor|\bdeclin(?:e|ing)\s+to|\brefus(?:e|ing)\s+to|\b(?:rather\s+)?than|\binstead\s+of|\bagainst)`;
const NEGATED_BEFORE = new RegExp(`${NEGATOR}\\s+(?:(?!sure\\b|certain\\b|but\\b|so\\b|and\\b|or\\b|between\\b|whether\\b|either\\b)[\\w']+\\s+){0,2}$`);

function negatedAt(text: string, at: number): boolean {
  return NEGATED_BEFORE.test(text.slice(0, at));
}

/** Numbers the text states once scale restatements, references and percentages are set aside. */
function scaleCandidates(lower: string, scale: { min: number; max: number }): { all: number[]; cued: number[] } {
  const blank = (m: string): string => ' '.repeat(m.length);
  let s = wordsToDigits(lower);
  // Parentheses without digits ("(Strongly agree)") say nothing about the number.
  s = s.replace(/\([^()\d]*\)/g, blank);
  // References to the question, not answers: "question 3", "item 2", "statement 4", "Q5", "step 1".
  s = s.replace(/\b(?:question|item|statement|q|step|part|no\.)\s*#?\s*\d+\b/g, blank);
  // Percentages and "N-point scale".
  s = s.replace(/\d+(?:[.,]\d+)?\s*(?:%|percent\b|per\s+cent\b)/g, blank);
  s = s.replace(/\b\d+\s*-?\s*point\s+(?:likert\s+)?scale\b/g, blank);
  // The scale's own range restated: "1 to 7", "1-7", "between 1 and 7", "from 1 (...) to 7".
  s = s.replace(/(?<![\d.])(-?\d+)\s*(?:-|to|through|thru|and)\s*(-?\d+)(?!\d|[.,]\d)/g, (m: string, a: string, b: string) =>
    Number(a) === scale.min && Number(b) === scale.max ? blank(m) : m,
  );
  // "6 out of 7", "6/7", "6 of 7", "out of 7", "scale of 7": the maximum restated, the first number kept.
  s = s.replace(/(\d+)(\s*(?:\/|out\s+of|of)\s*)(\d+)(?!\d|[.,]\d)/g, (m: string, a: string, sep: string, b: string) =>
    Number(b) === scale.max ? a + blank(sep + b) : m,
  );
  s = s.replace(/\b(?:out\s+of|scale\s+of|max(?:imum)?\s+(?:of\s+)?)\s*(\d+)(?!\d|[.,]\d)/g, (m: string, b: string) => (Number(b) === scale.max ? blank(m) : m));

  const signed = scale.min < 0;
  const re = signed ? /(?<![\w.,])(-?)(\d+)(?:[.,](\d+))?(?![\d])/g : /(?<![\w.,])()(\d+)(?:[.,](\d+))?(?![\d])/g;
  const all: number[] = [];
  const cued: number[] = [];
  const cue = new RegExp(`${CUE}(?:a\\s+|an\\s+)?$`);
  for (const m of s.matchAll(re)) {
    const at = m.index as number;
    if (negatedAt(s, at)) continue;
    const n = Number(`${m[1] ?? ''}${m[2]}${m[3] ? `.${m[3]}` : ''}`);
    all.push(n);
    if (cue.test(s.slice(0, at))) cued.push(n);
  }
  return { all: [...new Set(all)], cued: [...new Set(cued)] };
}

/** The one candidate the text states; undefined when there is none, or several and no single cued one. */
function single<T>(found: { all: T[]; cued: T[] }): T | undefined {
  if (found.all.length === 1) return found.all[0];
  if (found.all.length > 1 && found.cued.length === 1) return found.cued[0];
  return undefined;
}

/** Trims quotes, brackets, list marks and end punctuation around a short answer. */
function bare(text: string): string {
  return text.trim().replace(/^(?:[-•]\s+)?[\s"'(\[]+|[\s"')\].!]+$/g, '').trim();
}

/**
 * Reads an integer on [min, max]: a JSON object (`{"answer": 5}`), a lone number or number word in
 * any script's digits, the scale's end label alone (`low`/`high`), or a sentence stating exactly one
 * number once restatements of the scale ("1 to 7", "6 out of 7", "6/7", "7-point"), references to the
 * question ("question 3"), percentages and negated numbers ("not a 7") are set aside. Where several
 * numbers remain, one stated after a strong cue ("my answer is 5") is the answer if it is the only one.
 */
export function readScale(text: string, scale: { min: number; max: number; low?: string; high?: string }): ScaleReading {
  const t = normalise(unwrap(text));
  const json = jsonAnswer(t);
  if (json.found) {
    const v = typeof json.value === 'string' && /^\s*[+-]?\d+\s*$/.test(json.value) ? Number(json.value) : json.value;
    return typeof v === 'number' && inRange(v, scale.min, scale.max) ? { status: 'ok', value: v } : { status: 'unparsed' };
  }
  const whole = bare(t).toLowerCase();
  if (whole in CJK_NUMERALS) {
    const n = CJK_NUMERALS[whole] as number;
    return inRange(n, scale.min, scale.max) ? { status: 'ok', value: n } : { status: 'unparsed' };
  }
  if (scale.low && whole === scale.low.trim().toLowerCase()) return { status: 'ok', value: scale.min };
  if (scale.high && whole === scale.high.trim().toLowerCase()) return { status: 'ok', value: scale.max };
  const one = single(scaleCandidates(t.toLowerCase(), scale));
  if (one !== undefined) return inRange(one, scale.min, scale.max) ? { status: 'ok', value: one } : { status: 'unparsed' };
  // Nothing stated, or several candidates with none singled out: a refusal if worded as one.
  if (isRefusal(t)) return { status: 'refused' };
  return { status: 'unparsed' };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The choice whose id or label equals the text (case-insensitive), if any. */
function exactChoice(text: string, choices: readonly PromptChoice[]): string | undefined {
  const t = bare(text).toLowerCase();
  for (const c of choices) if (c.id.toLowerCase() === t) return c.id;
  for (const c of choices) if (bare(c.label).toLowerCase() === t) return c.id;
  return undefined;
}

/** After a choice id, words that make it a refusal phrase, not the choice: "I must decline to answer". */
const REFUSAL_AFTER = /^\s+to\s+(?:answer|respond|reply|choose|pick|select|say|decide|comment|participate|engage|rate|role-?play|take\s+part|make\s+(?:a|this|that|the)\s+(?:choice|decision))\b/;

/** Choices named (not negated) in the text, and those named after a strong cue. */
function choiceCandidates(lower: string, choices: readonly PromptChoice[]): { all: string[]; cued: string[] } {
  let s = lower;
  const all = new Set<string>();
  const cued = new Set<string>();
  const cue = new RegExp(`${CUE}(?:["'(]\\s*)?$`);
  const visit = (re: RegExp, id: string, mask: boolean): void => {
    s = s.replace(re, (m: string, ...rest: unknown[]) => {
      const at = rest[rest.length - 2] as number;
      const after = s.slice(at + m.length);
      if (!negatedAt(s, at) && !REFUSAL_AFTER.test(after)) {
        all.add(id);
        if (cue.test(s.slice(0, at))) cued.add(id);
      }
      return mask ? ' '.repeat(m.length) : m;
    });
  };
  // Labels first, longest first, then masked, so an id inside another choice's label is not a mention.
  const byLabel = [...choices].sort((a, b) => b.label.length - a.label.length);
  for (const c of byLabel) {
    const label = bare(c.label).toLowerCase();
    if (label.length >= 3) visit(new RegExp(escapeRe(label).replace(/\s+/g, '\\s+'), 'g'), c.id, true);
  }
  for (const c of choices) {
    const id = escapeRe(c.id.toLowerCase()).replace(/[-_\s]+/g, '[-_\\s]+');
    visit(new RegExp(`(?<![\\w-])${id}(?![\\w-])`, 'g'), c.id, false);
  }
  return { all: [...all], cued: [...cued] };
}

/**
 * Reads a choice id: a JSON object (`{"answer": "share"}`), the id or label alone (quoted, bold or
 * listed), or a text naming exactly one choice (by id as a word, hyphen, underscore or space alike, or
 * by its full label) once negated mentions ("I would not share", "rather than decline") and refusal
 * phrases ("I decline to answer") are set aside. Where several remain, one named after a strong cue
 * ("final answer: decline") is the answer if it is the only one.
 */
export function readChoice(text: string, choices: readonly PromptChoice[]): ChoiceReading {
  const t = normalise(unwrap(text));
  const json = jsonAnswer(t);
  if (json.found) {
    const id = typeof json.value === 'string' ? exactChoice(normalise(json.value), choices) : undefined;
    return id ? { status: 'ok', choice: id } : { status: 'unparsed' };
  }
  const exact = exactChoice(t, choices);
  if (exact) return { status: 'ok', choice: exact };
  const one = single(choiceCandidates(t.toLowerCase(), choices));
  if (one !== undefined) return { status: 'ok', choice: one };
  if (isRefusal(t)) return { status: 'refused' };
  return { status: 'unparsed' };
}
