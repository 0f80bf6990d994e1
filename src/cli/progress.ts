/**
 * Run progress for the terminal: a redrawn bar on a TTY (stderr), plain lines otherwise (one per
 * tenth of the run, so a CI log stays short). The preflight lines come from here too.
 */
import type { PlanEstimate, Preflight, RunProgress } from '../core/run/engine';
import { formatUsd, type CostBand, type PriceOf } from '../core/models/prices';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressReporter {
  update(p: RunProgress): void;
  /** Ends the bar (a TTY line is left complete). */
  finish(): void;
}

/** The estimate printed first, before anything is built: sessions, calls, approximate tokens. */
export function formatEstimate(scenario: string, p: PlanEstimate): string {
  const e = p.estimate;
  const sh = p.shape;
  const planned = p.shard?.planned ?? sh.total;
  const resumed = p.alreadyDone > 0 ? ` (${p.alreadyDone} of ${planned} already in the log)` : '';
  const whole = `${sh.models.length} model(s) x ${sh.variants.length} variant(s) x ${sh.personas} persona(s) x ${sh.samples} sample(s)`;
  const of = p.shard ? `shard ${p.shard.index}/${p.shard.count}: ${planned} of the ${sh.total} = ${whole}` : whole;
  return [
    `${scenario}: run ${p.runId}${p.shard ? ` (shard ${p.shard.index}/${p.shard.count})` : ''}`,
    `  ${e.sessions} sessions${resumed} = ${of}, ${sh.settings.mode} sessions`,
    `  ${e.calls} calls, about ${fmtTokens(e.promptTokens)} prompt + ${fmtTokens(e.completionTokens)} completion tokens`,
  ].join('\n') + '\n';
}

/** The preflight line printed once the cache has been consulted: the cached share, or that it is off. */
export function formatPreflight(p: Preflight): string {
  const e = p.estimate;
  if (p.cachedCalls === undefined) return '  cache: off\n';
  const share = e.calls === 0 ? 0 : Math.round((100 * p.cachedCalls) / e.calls);
  return `  cached: ${p.cachedCalls} of ${e.calls} calls (${share}%)${p.fresh ? ', fresh samples (--fresh: no answer of another run is reused)' : ''}\n`;
}

/** The preflight's money line: the band of what the uncached calls cost, the prices used, the models without one. */
export function formatCostBand(b: CostBand, models: readonly string[], priceOf: PriceOf): string {
  const prices = models.filter((m) => priceOf(m)).map((m) => `${m} $${priceOf(m)!.input}/$${priceOf(m)!.output}`);
  const none = b.unpriced.length > 0 ? `no price for ${b.unpriced.join(', ')} (set "price" in the providers file; docs/run.md)` : '';
  if (prices.length === 0) return `  cost: unknown, ${none}\n`;
  return `  cost: ${formatUsd(b.low)} - ${formatUsd(b.expected)} - ${formatUsd(b.high)} (low - expected - high) for ${b.calls} uncached call(s) at ${prices.join(', ')} per 1M input/output tokens${none ? `; ${none}, not counted` : ''}\n`;
}

function fmtTokens(n: number): string {
  return n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n);
}

/** A reporter that writes to `stream`; `label` names the scenario. */
export function createProgress(stream: ProgressStream, label: string, now: () => number = Date.now): ProgressReporter {
  const tty = stream.isTTY === true;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastTenth = -1;
  let last: RunProgress | undefined;
  const line = (p: RunProgress): string => {
    const counts = `${p.done}/${p.total} sessions${p.failed ? `, ${p.failed} failed` : ''}, ${p.calls} calls${p.cachedCalls ? `, ${p.cachedCalls} cached` : ''}`;
    if (!tty) return `${label}: ${counts}`;
    const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - counts.length - label.length - 6));
    const filled = p.total === 0 ? width : Math.round((width * p.done) / p.total);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${counts}`;
  };
  return {
    update(p) {
      last = p;
      if (tty) {
        const t = now();
        if (p.done < p.total && t - lastDraw < 100) return;
        lastDraw = t;
        stream.write(`\r\x1b[2K${line(p)}`);
        return;
      }
      const tenth = p.total === 0 ? 10 : Math.floor((10 * p.done) / p.total);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stream.write(`${line(p)}\n`);
    },
    finish() {
      if (tty && last) stream.write(`\r\x1b[2K${line(last)}\n`);
    },
  };
}
