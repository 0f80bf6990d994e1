/**
 * A content-addressed response cache on disk. The key is a sha256 of everything that shapes an
 * answer (endpoint origin, model, messages, temperature, seed, max tokens, schema) plus the sample's
 * place (variant, persona, sample index), so a repeated run makes no calls and a changed variant
 * misses only on its own prompts. The variant and persona are in the key because two variants often
 * share the questionnaire turns word for word: without them, a cached run would reuse one variant's
 * item answers for another and the variants would stop being independent draws, unlike an uncached run.
 * Entries hold the answer text and usage only: never headers, never keys. A corrupt or unreadable
 * entry is a miss; a failed write is ignored (the cache is an optimisation, never a source of truth).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatMessage, ResponseSchema } from '../models/chatModel';
import type { Usage } from './record';

const CACHE_VERSION = 1;

/** What a cached answer holds. */
export interface CachedResponse {
  text: string;
  usage?: Usage;
  finishReason?: string;
}

export interface ResponseCache {
  get(key: string): Promise<CachedResponse | undefined>;
  set(key: string, value: CachedResponse): Promise<void>;
}

/** Everything that identifies one call for caching. */
export interface CacheKeyParts {
  origin: string;
  model: string;
  messages: readonly ChatMessage[];
  temperature?: number;
  seed?: number;
  maxTokens?: number;
  schema?: ResponseSchema;
  variant: string;
  persona: number;
  sample: number;
  /** The guarded twin's calls (`run.guard`): kept apart even where its conversation is the unguarded one's. */
  guard?: boolean;
  /** The draw of a `--fresh` run (its header's `draw`): its samples are cached apart from every other run's. */
  draw?: string;
}

/** The sha256 (hex) of a call's identity; field order is fixed so the key is stable. */
export function cacheKey(p: CacheKeyParts): string {
  const canonical = JSON.stringify([
    CACHE_VERSION,
    p.origin,
    p.model,
    p.messages.map((m) => [m.role, m.content]),
    p.temperature ?? null,
    p.seed ?? null,
    p.maxTokens ?? null,
    p.schema ? [p.schema.name, p.schema.schema] : null,
    p.variant,
    p.persona,
    p.sample,
    // Only when set, so every unguarded key stays what it was.
    ...(p.guard ? ['guard'] : []),
    // Only a fresh run adds its draw: the keys of every other run stay what they were.
    ...(p.draw !== undefined ? [p.draw] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

// The `.dilemma/` layout is owned by core/workspace/layout.ts; re-exported for existing callers.
export { defaultCacheDir, workspaceRoot } from '../workspace/layout';

function isCached(v: unknown): v is CachedResponse & { v: number } {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  if (o.v !== CACHE_VERSION || typeof o.text !== 'string') return false;
  if (o.usage === undefined) return true;
  const u = o.usage as Record<string, unknown> | null;
  return !!u && typeof u.promptTokens === 'number' && typeof u.completionTokens === 'number';
}

/** A cache of one JSON file per key under `dir/<2 hex>/<key>.json`, written atomically. */
export function createDiskCache(dir: string): ResponseCache {
  const made = new Set<string>();
  const fileOf = (key: string): string => path.join(dir, key.slice(0, 2), `${key}.json`);
  return {
    async get(key) {
      try {
        const parsed: unknown = JSON.parse(await fs.promises.readFile(fileOf(key), 'utf8'));
        if (!isCached(parsed)) return undefined;
        return { text: parsed.text, ...(parsed.usage ? { usage: { promptTokens: parsed.usage.promptTokens, completionTokens: parsed.usage.completionTokens } } : {}), ...(typeof parsed.finishReason === 'string' ? { finishReason: parsed.finishReason } : {}) };
      } catch {
        return undefined;
      }
    },
    async set(key, value) {
      const file = fileOf(key);
      const sub = path.dirname(file);
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        if (!made.has(sub)) {
          await fs.promises.mkdir(sub, { recursive: true });
          made.add(sub);
        }
        const entry = { v: CACHE_VERSION, text: value.text, ...(value.usage ? { usage: { promptTokens: value.usage.promptTokens, completionTokens: value.usage.completionTokens } } : {}), ...(value.finishReason ? { finishReason: value.finishReason } : {}) };
        await fs.promises.writeFile(tmp, JSON.stringify(entry));
        await fs.promises.rename(tmp, file);
      } catch {
        await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
      }
    },
  };
}
