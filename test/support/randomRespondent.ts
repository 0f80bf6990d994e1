/**
 * `sim-random`: a prompt-only null respondent for calibration. It reads nothing but the messages of the
 * request (no scenario, no profile) and answers uniformly among what the last user turn offers: the
 * ids under "Choose one of:", the integers of "Answer with one integer from A ... to B.", A or B, or
 * yes or no. Each answer is a fresh draw, as a real model's at temperature > 0: it is seeded by the
 * request's content (messages, model, and the request's own `seed`, which the engine sends per sample,
 * `run.seed + sample`, when the scenario sets `run.seed`), the times that same request was seen (so
 * samples that send identical conversations without a seed still draw independently), and the
 * respondent's seed (`--random-seed`): the same seed gives the same run, another seed another one. Its
 * answers are synthetic and unrelated to anything it stated, so its VAAR must look like chance.
 */
import { createHash } from 'node:crypto';
import { seededRandom } from '../../src/core/random';
import type { RecordedRequest, Respondent } from './openaiServer';

export const RANDOM_MODEL = 'sim-random';
export const NOTHING_OFFERED_TEXT = 'I am a random simulated respondent and found no answer offered in this question.';

function hashString(text: string, seed: number): number {
  let h = (2166136261 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** What the question offers, read from its text only. */
export function offeredAnswers(question: string): string[] {
  const list = /Choose one of:\n((?:- [^\n]*\n?)+)/.exec(question);
  if (list) {
    const ids = list[1]!.split('\n').map((l) => /^- ([^:\n]+):/.exec(l)?.[1]?.trim()).filter((x): x is string => !!x);
    if (ids.length) return ids;
  }
  const scale = /Answer with one integer from (-?\d+)\b[^\n]*? to (-?\d+)\b/.exec(question);
  if (scale) {
    const lo = Number(scale[1]);
    const hi = Number(scale[2]);
    const out: string[] = [];
    for (let n = Math.min(lo, hi); n <= Math.max(lo, hi); n++) out.push(String(n));
    return out;
  }
  if (/Respond solely with A or B/.test(question)) return ['A', 'B'];
  if (/Respond solely with yes or no/.test(question)) return ['yes', 'no'];
  return [];
}

/** The null respondent; `seed` makes runs differ (default 0). */
export function randomRespondent(seed = 0): Respondent {
  const occurrences = new Map<string, number>();
  return (req: RecordedRequest): string => {
    let last: string | undefined;
    for (let i = req.messages.length - 1; i >= 0; i--) {
      if (req.messages[i]!.role === 'user') {
        last = req.messages[i]!.content;
        break;
      }
    }
    const offered = last === undefined ? [] : offeredAnswers(last);
    if (offered.length === 0) return NOTHING_OFFERED_TEXT;
    // Identical conversations (parallel samples) take successive draws, so samples differ.
    const body = (req.body ?? {}) as { response_format?: { type?: unknown }; seed?: unknown };
    const requestSeed = typeof body.seed === 'number' ? body.seed : '';
    const content = `${req.model}\u0000${requestSeed}\u0000${JSON.stringify(req.messages)}`;
    const key = `${hashString(content, 1)}.${hashString(content, 2)}`;
    const n = occurrences.get(key) ?? 0;
    occurrences.set(key, n + 1);
    // The draw's seed is a cryptographic hash of everything it depends on. With an FNV-1a hash fed straight
    // to mulberry32, the paper example at seed 4 gave the null's action answers a correlation with its
    // stated ones (r = -0.14 and 0.17 over 300 sessions) and a VAAR of 0.998, which independent draws
    // reach with probability ~1e-5; the cause was not isolated (200,000 synthetic conversations showed
    // no correlation between their digits and the draw), and SHA-256 leaves no doubt that the draws are
    // independent of the conversation: with it seed 4 gives 0.79 (r = -0.08 and 0.02).
    const random = seededRandom(createHash('sha256').update(`${seed}\u0000${n}\u0000${content}`).digest().readUInt32LE(0));
    const answer = offered[Math.floor(random() * offered.length)]!;
    return body.response_format?.type === 'json_schema' ? JSON.stringify({ answer: /^-?\d+$/.test(answer) ? Number(answer) : answer }) : answer;
  };
}

/** Routes `sim-random` to the null respondent and every other model to `others`. */
export function withRandomModel(others: Respondent | undefined, seed = 0): Respondent {
  const random = randomRespondent(seed);
  return (req) => (req.model === RANDOM_MODEL ? random(req) : others ? others(req) : NOTHING_OFFERED_TEXT);
}
