import * as assert from 'node:assert/strict';
import { BAND, costBand, costOf, DEFAULT_PRICES, formatUsd, priceLookup, pricesOfSetting } from '../../../src/core/models/prices';
import { configPrices, parseProvidersConfig } from '../../../src/core/models/providers';

describe('prices and the cost band (models/prices.ts)', () => {
  it('costs usage at US dollars per 1M tokens', () => {
    // 12,000 prompt tokens at $0.15/1M = $0.0018; 800 completion tokens at $0.60/1M = $0.00048; sum $0.00228.
    assert.ok(Math.abs(costOf({ promptTokens: 12_000, completionTokens: 800 }, { input: 0.15, output: 0.6 }) - 0.00228) < 1e-12);
    // 1M and 1M at $2.50/$10 = $12.50.
    assert.equal(costOf({ promptTokens: 1_000_000, completionTokens: 1_000_000 }, { input: 2.5, output: 10 }), 12.5);
  });

  it('looks a price up: the user\'s per model, then per provider, then the dated defaults, then free local providers', () => {
    const of = priceLookup({ 'openai/gpt-4o-mini': { input: 1, output: 2 } }, { lab: { input: 3, output: 4 } });
    assert.deepEqual(of('openai/gpt-4o-mini'), { input: 1, output: 2 });
    assert.deepEqual(of('lab/anything'), { input: 3, output: 4 });
    assert.deepEqual(of('openai/gpt-4o'), DEFAULT_PRICES['openai/gpt-4o']);
    assert.deepEqual(of('ollama/llama3.2'), { input: 0, output: 0 });
    assert.equal(of('vllm/x'), undefined);
  });

  it('reads price and prices from the providers file, and refuses a bad one with its place', () => {
    const text = JSON.stringify({ providers: { lab: { baseUrl: 'http://127.0.0.1:1/v1', price: { input: 0.5, output: 1.5 }, prices: { big: { input: 5, output: 15 } } } } });
    const of = configPrices({ providers: parseProvidersConfig(text, 'p.json') });
    assert.deepEqual(of('lab/small'), { input: 0.5, output: 1.5 });
    assert.deepEqual(of('lab/big'), { input: 5, output: 15 });
    assert.throws(() => parseProvidersConfig(JSON.stringify({ providers: { lab: { price: { input: -1, output: 1 } } } }), 'p.json'), /^Error: p\.json: providers\.lab\.price: input must be a number of US dollars per 1M tokens, 0 or more$/);
    assert.throws(() => parseProvidersConfig(JSON.stringify({ providers: { lab: { prices: { big: { input: 1, ouput: 1 } } } } }), 'p.json'), /p\.json: providers\.lab\.prices\.big: unknown key "ouput"/);
  });

  it('gives a low / expected / high band of the uncached calls, split over the models, leaving out the unpriced', () => {
    const estimate = { sessions: 20, calls: 80, promptTokens: 10_000, completionTokens: 640 };
    const of = priceLookup({ 'a/m': { input: 0.15, output: 0.6 } });
    // Nothing cached, one model: expected = 10,000 x 0.15/1M + 80 x 8 x 0.60/1M = 0.0015 + 0.000384 = 0.001884;
    // low = 7,500 x 0.15/1M + 80 x 1 x 0.60/1M = 0.001125 + 0.000048 = 0.001173; high = 15,000 x 0.15/1M + 80 x 32 x 0.60/1M = 0.00225 + 0.001536 = 0.003786.
    const b = costBand(estimate, ['a/m'], of);
    assert.deepEqual(BAND, { promptLow: 0.75, promptHigh: 1.5, answerLow: 1, answerExpected: 8, answerHigh: 32 });
    assert.ok(Math.abs(b.expected - 0.001884) < 1e-12 && Math.abs(b.low - 0.001173) < 1e-12 && Math.abs(b.high - 0.003786) < 1e-12, JSON.stringify(b));
    // 20 of 80 cached: three quarters of everything: expected 0.001413.
    assert.ok(Math.abs(costBand(estimate, ['a/m'], of, 20).expected - 0.001413) < 1e-12);
    // max-tokens 4 caps the high answer: 0.00225 + 80 x 4 x 0.60/1M = 0.002442.
    assert.ok(Math.abs(costBand(estimate, ['a/m'], of, 0, 4).high - 0.002442) < 1e-12);
    // Two models share the calls: half at a/m's price (0.000942), half unpriced and named.
    const two = costBand(estimate, ['a/m', 'x/none'], of);
    assert.ok(Math.abs(two.expected - 0.000942) < 1e-12);
    assert.deepEqual(two.unpriced, ['x/none']);
  });

  it('prints dollars with enough digits for small sums', () => {
    assert.deepEqual([formatUsd(0), formatUsd(0.001884), formatUsd(0.5), formatUsd(3.456), formatUsd(1234.4)], ['$0', '$0.0019', '$0.5', '$3.46', '$1234']);
  });
});

describe('prices of the editor setting (pricesOfSetting)', () => {
  it('keeps the valid entries and names each invalid one', () => {
    const r = pricesOfSetting({ 'openai/gpt-4o': { input: 2, output: 8 }, 'lab/x': { input: 'cheap', output: 1 } }, 'dilemmaLens.run.prices');
    assert.deepEqual(r.prices, { 'openai/gpt-4o': { input: 2, output: 8 } });
    assert.deepEqual(r.problems, ['dilemmaLens.run.prices["lab/x"]: input must be a number of US dollars per 1M tokens, 0 or more']);
    assert.deepEqual(pricesOfSetting(undefined, 's'), { prices: {}, problems: [] });
    assert.deepEqual(pricesOfSetting([1], 's').problems, ['s: expected an object of provider/model -> { input, output }']);
  });
});
