/**
 * Money: a price per model (US dollars per million input and output tokens), the preflight's cost band
 * from the token estimate, and the cost of the tokens a run's calls used. Prices come from the user
 * (the providers file's `price` / `prices`, the editor's `dilemmaLens.run.prices`), else from a few
 * defaults dated `DEFAULT_PRICES_DATE` (docs/run.md), else local providers are free and the rest
 * unpriced. No editor imports.
 */
import type { Usage } from './chatModel';

/** What the band needs of a run's estimate (`run/plan.ts` `Estimate`): calls and prompt tokens. */
export interface CallEstimate {
  calls: number;
  promptTokens: number;
}

/** US dollars per 1,000,000 tokens. */
export interface Price {
  input: number;
  output: number;
}

/** The date the default prices were read from the providers' price pages. */
export const DEFAULT_PRICES_DATE = '2025-04-14';

/** A few list prices (USD per 1M tokens, standard tier, no cached-input discount) as of `DEFAULT_PRICES_DATE`. */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = {
  'openai/gpt-4o-mini': { input: 0.15, output: 0.6 },
  'openai/gpt-4o': { input: 2.5, output: 10 },
  'openai/gpt-4.1': { input: 2, output: 8 },
  'openai/gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'openai/gpt-4.1-nano': { input: 0.1, output: 0.4 },
};

/** Providers that run on your own machine: their calls cost nothing (by default). */
const LOCAL_PROVIDERS = new Set(['ollama', 'lmstudio', 'sim']);

/** A model's price, or undefined when none is known. */
export type PriceOf = (model: string) => Price | undefined;

/** Whether `v` is a price: `{ input, output }`, finite and not negative. Returns what is wrong, or undefined. */
export function priceProblem(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'expected { "input": <USD per 1M tokens>, "output": <USD per 1M tokens> }';
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'input' && k !== 'output') return `unknown key "${k}" (expected input and output, USD per 1M tokens)`;
  for (const k of ['input', 'output'] as const) if (typeof o[k] !== 'number' || !Number.isFinite(o[k]) || (o[k] as number) < 0) return `${k} must be a number of US dollars per 1M tokens, 0 or more`;
  return undefined;
}

/**
 * The price lookup of a run: `user` (`provider/model` -> price, the setting or the providers file's
 * `prices`), then `providerPrice` (a provider's `price` for all its models), then the defaults, then
 * 0 for local providers.
 */
export function priceLookup(user: Readonly<Record<string, Price>> = {}, providerPrice: Readonly<Record<string, Price>> = {}): PriceOf {
  return (model) => {
    const slash = model.indexOf('/');
    const provider = slash > 0 ? model.slice(0, slash) : model;
    return user[model] ?? providerPrice[provider] ?? DEFAULT_PRICES[model] ?? (LOCAL_PROVIDERS.has(provider) ? { input: 0, output: 0 } : undefined);
  };
}

/**
 * The prices of a setting (`provider/model` -> `{ input, output }`, e.g. `dilemmaLens.run.prices`):
 * the valid entries, and one message per invalid one naming it (they are left out).
 */
export function pricesOfSetting(value: unknown, name: string): { prices: Record<string, Price>; problems: string[] } {
  const prices: Record<string, Price> = {};
  const problems: string[] = [];
  if (value === undefined || value === null) return { prices, problems };
  if (typeof value !== 'object' || Array.isArray(value)) return { prices, problems: [`${name}: expected an object of provider/model -> { input, output }`] };
  for (const [model, p] of Object.entries(value as Record<string, unknown>)) {
    const problem = priceProblem(p);
    if (problem) problems.push(`${name}["${model}"]: ${problem}`);
    else prices[model] = { input: (p as Price).input, output: (p as Price).output };
  }
  return { prices, problems };
}

/** US dollars for `usage` at `price`. */
export function costOf(usage: Usage, price: Price): number {
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
}

/** Multipliers of the band: prompt tokens are characters / 4 (x0.75 to x1.5); an answer takes 1 to 32 tokens (8 expected). */
export const BAND = { promptLow: 0.75, promptHigh: 1.5, answerLow: 1, answerExpected: 8, answerHigh: 32 } as const;

export interface CostBand {
  low: number;
  expected: number;
  high: number;
  /** Calls the band counts: those the cache will not serve. */
  calls: number;
  /** Models without a price: left out of the band. */
  unpriced: string[];
}

/**
 * The cost band of the calls an estimate makes that the cache will not serve (`cached` of them),
 * split evenly over `models` (every model runs the same sessions). `maxTokens` (run.max-tokens) caps an
 * answer's high length. Tokens: low = prompt x0.75 + 1 per answer, expected = prompt + 8 per answer,
 * high = prompt x1.5 + 32 per answer.
 */
export function costBand(estimate: CallEstimate, models: readonly string[], priceOf: PriceOf, cached = 0, maxTokens?: number): CostBand {
  const calls = Math.max(0, estimate.calls - cached);
  const share = estimate.calls === 0 ? 0 : calls / estimate.calls;
  const answerHigh = maxTokens !== undefined ? Math.min(BAND.answerHigh, maxTokens) : BAND.answerHigh;
  const band = { low: 0, expected: 0, high: 0, calls, unpriced: [] as string[] };
  const n = Math.max(1, models.length);
  for (const m of models) {
    const p = priceOf(m);
    if (!p) {
      band.unpriced.push(m);
      continue;
    }
    const prompt = (estimate.promptTokens * share) / n;
    const answers = calls / n;
    band.low += costOf({ promptTokens: prompt * BAND.promptLow, completionTokens: answers * BAND.answerLow }, p);
    band.expected += costOf({ promptTokens: prompt, completionTokens: answers * BAND.answerExpected }, p);
    band.high += costOf({ promptTokens: prompt * BAND.promptHigh, completionTokens: answers * answerHigh }, p);
  }
  return band;
}

/** `$0.0123`: dollars with at least two and enough significant digits for small sums. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 100) return `$${usd.toFixed(0)}`;
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  return `$${usd.toPrecision(2).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')}`;
}
