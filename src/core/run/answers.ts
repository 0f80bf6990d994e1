/**
 * Reading a model's reply into an integer on a scale or a choice id. What cannot be read is
 * `unparsed` (or `refused` when it is recognisably a refusal) and keeps no value: a neutral number
 * is never invented (method.md, "What is never done").
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
    String.raw`\bI(?:'|’)?m\s+(?:sorry|afraid|not\s+(?:able|comfortable)|unable)\b`,
    String.raw`\bI\s+am\s+(?:sorry|afraid|not\s+(?:able|comfortable)|unable)\b`,
    String.raw`\bI\s+(?:can(?:not|'t|’t)|won(?:'|’)?t|will\s+not|must\s+decline\s+to|refuse\s+to)\s+(?:answer|help|assist|comply|provide|respond|make|choose|give|pick|select|rate|engage|do\s+that|take\s+part|role-?play)\b`,
    String.raw`\bI\s+apologi[sz]e\b`,
    String.raw`\bas\s+an?\s+(?:AI|artificial intelligence|language model|assistant)\b`,
    String.raw`\bI\s+(?:do\s+not|don(?:'|’)t)\s+have\s+(?:personal|opinions|feelings|preferences)\b`,
  ].join('|'),
  'i',
);

/** Whether the text is recognisably a refusal to answer. */
export function isRefusal(text: string): boolean {
  return REFUSAL.test(text);
}

/** Strips a Markdown code fence and surrounding quotes/whitespace. */
function unwrap(text: string): string {
  let t = text.trim();
  const fence = /^```[a-z]*\s*\n?([\s\S]*?)\n?```$/i.exec(t);
  if (fence) t = (fence[1] ?? '').trim();
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

const LONE_NUMBER = /^[("'*\s]*([+-]?\d+)(?:\.0+)?[)"'*\s]*[.!]?\s*$/;

/**
 * Reads an integer on [min, max]: a JSON object (`{"answer": 5}`), a lone number, or a short
 * sentence with exactly one number in range once scale restatements ("1 to 7", "out of 7", "5/7")
 * are discounted.
 */
export function readScale(text: string, scale: { min: number; max: number }): ScaleReading {
  const t = unwrap(text);
  const json = jsonAnswer(t);
  if (json.found) {
    const v = typeof json.value === 'string' && /^\s*[+-]?\d+\s*$/.test(json.value) ? Number(json.value) : json.value;
    return typeof v === 'number' && inRange(v, scale.min, scale.max) ? { status: 'ok', value: v } : { status: 'unparsed' };
  }
  const lone = LONE_NUMBER.exec(t);
  if (lone) {
    const n = Number(lone[1]);
    return inRange(n, scale.min, scale.max) ? { status: 'ok', value: n } : { status: 'unparsed' };
  }
  if (isRefusal(t)) return { status: 'refused' };
  const discounted = t
    .replace(/\b\d+\s*(?:-|–|to|and|through)\s*\d+\b/gi, ' ')
    .replace(/\b(?:out\s+of|of)\s+\d+\b/gi, ' ')
    .replace(/\/\s*\d+\b/g, ' ')
    .replace(/\d+(?:\.\d+)?\s*%/g, ' ');
  const numbers = [...discounted.matchAll(/(?<![\d.])[+-]?\d+(?:\.\d+)?(?![\d.]*\d)/g)].map((m) => Number(m[0]));
  const distinct = [...new Set(numbers)];
  if (distinct.length === 1 && inRange(distinct[0] as number, scale.min, scale.max)) return { status: 'ok', value: distinct[0] as number };
  return { status: 'unparsed' };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The choice whose id or label equals the text (case-insensitive), if any. */
function exactChoice(text: string, choices: readonly PromptChoice[]): string | undefined {
  const t = text.trim().replace(/^[\s"'`*(]+|[\s"'`*).!]+$/g, '').toLowerCase();
  for (const c of choices) if (c.id.toLowerCase() === t) return c.id;
  for (const c of choices) if (c.label.trim().toLowerCase() === t) return c.id;
  return undefined;
}

/**
 * Reads a choice id: a JSON object (`{"answer": "share"}`), the id or label alone, or a short
 * sentence naming exactly one choice (by id as a word, or by its full label).
 */
export function readChoice(text: string, choices: readonly PromptChoice[]): ChoiceReading {
  const t = unwrap(text);
  const json = jsonAnswer(t);
  if (json.found) {
    const id = typeof json.value === 'string' ? exactChoice(json.value, choices) : undefined;
    return id ? { status: 'ok', choice: id } : { status: 'unparsed' };
  }
  const exact = exactChoice(t, choices);
  if (exact) return { status: 'ok', choice: exact };
  if (isRefusal(t)) return { status: 'refused' };
  const lower = t.toLowerCase();
  // A negated mention ("I would not share") names nothing: guessing the other choice would invent an answer.
  const named = choices.filter((c) => {
    const id = escapeRe(c.id.toLowerCase());
    const mentioned = new RegExp(`(?<![\\w-])${id}(?![\\w-])`).test(lower) || lower.includes(c.label.trim().toLowerCase());
    const negated = new RegExp(`(?:\\bnot|n't|n’t|\\bnever|\\bno)\\s+(?:\\w+\\s+){0,2}${id}(?![\\w-])`).test(lower);
    return mentioned && !negated;
  });
  if (named.length === 1) return { status: 'ok', choice: (named[0] as PromptChoice).id };
  return { status: 'unparsed' };
}
