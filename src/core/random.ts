/** A seeded pseudo-random source in [0, 1). Same seed, same sequence. */
export type Random = () => number;

/**
 * A seeded PRNG (mulberry32): small, fast and reproducible across platforms. The one generator
 * behind every seeded draw (shuffled items, bootstrap, permutation tests, fuzzing, fault plans), so a
 * printed seed replays a case exactly.
 */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n) from a PRNG. */
export function randomInt(random: Random, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}
