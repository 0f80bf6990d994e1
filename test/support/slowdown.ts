// Upper bounds in tests are stretched on a busy machine, never replaced by sleeps. The factor is measured
// once per test process from the load average per core (scripts/mocha-run.mjs for the unit suite, the
// launcher test/e2e/exthost.mjs for the extension-host suite, both through test/e2e/waits.mjs) and
// passed on as TEST_SLOWDOWN; run any other way, it is 1.

/** How much slower than a quiet machine this one is (at least 1). */
export const slowdown = Math.max(1, Number(process.env.TEST_SLOWDOWN) || 1);

/**
 * An upper bound of `ms` on a quiet machine, stretched by `slowdown`: for timeouts handed to the code
 * under test and for "promptly" checks, which measure that something did not wait for the rest of a
 * run, not how fast this machine is.
 */
export const bound = (ms: number): number => Math.round(ms * slowdown);
