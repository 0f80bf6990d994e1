// Waiting on states, never on time, for the code-server suites. A machine whose cores other work keeps
// busy (CI next to other jobs, eight engineers compiling on two cores) makes every step of the
// workbench slower by a factor no fixed timeout anticipates, and makes a click or key land before the
// element that should take it is ready. So: every wait polls for a state and has an upper bound
// scaled by how loaded the machine is (`bound`), and every gesture is re-issued, a bounded number of
// times, until the state it should cause appears (`retrying`). A bound only costs time when something
// is really broken; a sleep costs time on every run and is still too short on a slow one.
import os from 'node:os';

const t0 = Date.now();
export const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

/**
 * How much slower than a quiet machine this one is, read once at start from the load average per core
 * (at least 1, at most 4); `TEST_SLOWDOWN` overrides it. The extension-host suite gets the same number
 * through its environment (test/integration/support.ts).
 */
export const slowdown = (() => {
  const forced = Number(process.env.TEST_SLOWDOWN);
  if (forced > 0) return forced;
  const perCore = os.loadavg()[0] / Math.max(1, os.cpus().length);
  return Math.round(Math.min(4, Math.max(1, perCore)) * 10) / 10;
})();

/** An upper bound of `ms` on a quiet machine, stretched by `slowdown`. */
export const bound = (ms) => Math.round(ms * slowdown);

/**
 * Polls `fn` until it returns a truthy value (which is returned), or throws at the bound. `fn` may
 * throw while the state is not there yet (a detached element, a frame mid-navigation): that counts as
 * "not yet", and the last error is named if the bound passes.
 */
export async function until(fn, { timeout = bound(30_000), interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeout / 1000)} s waiting for ${what}${last instanceof Error ? `: ${last.message.split('\n')[0]}` : ''}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * A gesture (click, key press, command) that is re-issued until the state it should cause appears.
 * `act(attempt)` performs it (it may throw: an element not there yet counts as a gesture that did not
 * take); `state()` returns a truthy value once it took. Between attempts the patience grows (settle,
 * 2 x settle, ...), so a gesture that is merely slow is not repeated in a hurry. `state` is checked
 * before every re-issue, so a gesture that took late is never issued twice. For a gesture that must
 * not run twice (starting a run), make `state` its first visible acknowledgement, and `settle` long.
 * `reset()` runs before a re-issue (e.g. Escape to close a half-open widget).
 */
export async function retrying(what, act, state, { tries = 5, settle = bound(5_000), reset } = {}) {
  let lastError;
  for (let attempt = 1; ; attempt++) {
    try { await act(attempt); lastError = undefined; } catch (e) { lastError = e; }
    try {
      // a gesture that threw (its element was not there) is unlikely to take: try again sooner
      return await until(state, { timeout: lastError ? Math.min(settle, bound(2_000)) : settle * attempt, what });
    } catch (e) {
      if (!lastError) lastError = e;
    }
    if (attempt >= tries) throw new Error(`${what}: no effect after ${tries} tries (${lastError.message.split('\n')[0]})`);
    log(`retry ${attempt + 1}/${tries}: ${what} (${lastError.message.split('\n')[0]})`);
    const late = await Promise.resolve().then(state).catch(() => undefined); // it took just now: do not issue it twice
    if (late) return late;
    if (reset) await reset().catch(() => {});
  }
}
