import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheKey, createDiskCache, defaultCacheDir, workspaceRoot, type CacheKeyParts } from '../../../src/core/run/cache';

const parts: CacheKeyParts = {
  origin: 'http://127.0.0.1:9',
  model: 'sim/a',
  messages: [{ role: 'system', content: 'You are Ana.' }, { role: 'user', content: 'Q1' }],
  temperature: 0.7,
  seed: 3,
  maxTokens: 50,
  schema: { name: 'scale_answer', schema: { type: 'object' } },
  variant: 'baseline',
  persona: 0,
  sample: 0,
};

describe('cache: keys', () => {
  it('is a sha256 that changes with every part that shapes an answer', () => {
    const k = cacheKey(parts);
    assert.match(k, /^[0-9a-f]{64}$/);
    assert.equal(cacheKey({ ...parts, messages: parts.messages.map((m) => ({ ...m })) }), k);
    const variants: Partial<CacheKeyParts>[] = [
      { origin: 'https://api.openai.com' }, { model: 'sim/b' }, { messages: [{ role: 'user', content: 'Q1' }] },
      { messages: [{ role: 'system', content: 'You are Ana.' }, { role: 'user', content: 'Q2' }] },
      { temperature: 0.2 }, { temperature: undefined }, { seed: 4 }, { maxTokens: 51 }, { schema: undefined }, { variant: 'pharma' }, { persona: 1 }, { sample: 1 }, { guard: true },
    ];
    const keys = new Set(variants.map((v) => cacheKey({ ...parts, ...v })));
    assert.equal(keys.size, variants.length);
    assert.ok(!keys.has(k));
    // An unguarded key is what it was before the guard existed: `guard: false` is the same as no guard.
    assert.equal(cacheKey({ ...parts, guard: false }), k);
  });
});

describe('cache: on disk', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cache-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('returns what was stored, and misses an unknown key', async () => {
    const c = createDiskCache(path.join(dir, 'cache'));
    const k = cacheKey(parts);
    assert.equal(await c.get(k), undefined);
    await c.set(k, { text: '5', usage: { promptTokens: 9, completionTokens: 1 }, finishReason: 'stop' });
    assert.deepEqual(await createDiskCache(path.join(dir, 'cache')).get(k), { text: '5', usage: { promptTokens: 9, completionTokens: 1 }, finishReason: 'stop' });
    const files = fs.readdirSync(path.join(dir, 'cache', k.slice(0, 2)));
    assert.deepEqual(files, [`${k}.json`], 'no temp file left behind');
  });

  it('treats a corrupt, truncated, wrong-shaped or unreadable entry as a miss', async () => {
    const c = createDiskCache(dir);
    const k = cacheKey(parts);
    await c.set(k, { text: '5' });
    const file = path.join(dir, k.slice(0, 2), `${k}.json`);
    for (const junk of ['{"v":1,"text":', '\u0000\u0001garbage', '[]', '{"v":1,"text":5}', '{"v":99,"text":"5"}', '{"v":1,"text":"5","usage":{"promptTokens":"x"}}', '']) {
      fs.writeFileSync(file, junk);
      assert.equal(await c.get(k), undefined, JSON.stringify(junk));
    }
    fs.rmSync(file);
    fs.mkdirSync(file);
    assert.equal(await c.get(k), undefined, 'a directory where the file should be');
  });

  it('survives a write it cannot make', async () => {
    fs.writeFileSync(path.join(dir, 'blocker'), '');
    const c = createDiskCache(path.join(dir, 'blocker', 'cache'));
    await c.set(cacheKey(parts), { text: '5' });
    assert.equal(await c.get(cacheKey(parts)), undefined);
  });

  it('concurrent writes of the same key leave one whole entry', async () => {
    const c = createDiskCache(dir);
    const k = cacheKey(parts);
    const written = Array.from({ length: 20 }, (_, i) => String(i).repeat(1000));
    await Promise.all(written.map((text) => c.set(k, { text })));
    const got = await c.get(k);
    assert.ok(got && written.includes(got.text), 'the entry is one of the writes, whole');
    assert.equal(fs.readdirSync(path.join(dir, k.slice(0, 2))).length, 1);
  });
});

describe('cache: workspace root', () => {
  let dir: string;
  beforeEach(() => { dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dl-ws-'))); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is the nearest folder with .git or package.json, else the scenario folder', () => {
    fs.mkdirSync(path.join(dir, 'proj', 'scenarios', 'deep'), { recursive: true });
    const file = path.join(dir, 'proj', 'scenarios', 'deep', 'a.dilemma.yaml');
    assert.equal(workspaceRoot(file), path.join(dir, 'proj', 'scenarios', 'deep'));
    fs.writeFileSync(path.join(dir, 'proj', 'package.json'), '{}');
    assert.equal(workspaceRoot(file), path.join(dir, 'proj'));
    fs.mkdirSync(path.join(dir, 'proj', 'scenarios', '.git'));
    assert.equal(workspaceRoot(file), path.join(dir, 'proj', 'scenarios'));
    assert.equal(defaultCacheDir(file), path.join(dir, 'proj', 'scenarios', '.dilemma', 'cache'));
  });
});
