import * as assert from 'node:assert/strict';
import { gapMetrics } from '../../../src/core/analysis/gapPanel';
import type { GapUnitData } from '../../../src/core/analysis/gapPairs';
import { hypergeometricUpper } from '../../../src/core/analysis/hypergeometric';
import { seededRandom, type Random } from '../../../src/core/random';

/**
 * The chance baselines are calibrated: a respondent whose action ignores its stated values beats them
 * (p < 0.05) in about 5% of runs, never much more, while one whose action follows its values beats
 * them almost always. The design is the example scenario's: privacy pulls to `decline`, prosocialness
 * and acceptance to `share`, so one action enacts privacy or the other two, never all three; the values
 * are held at different rates (privacy mostly, prosocialness rarely).
 */
const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

function respondent(random: Random, sessions: number, mode: 'random' | 'aligned', levels = [0.7, 0.35, 0.5]): GapUnitData[] {
  const units: GapUnitData[] = [];
  for (let s = 0; s < sessions; s++) {
    // Stated scores: a 1..7 mean of four items around the value's level, normalised.
    const stated = levels.map((l) => clamp01(Math.round((l + (random() - 0.5) * 0.6) * 24) / 24));
    const pull = stated[0]! - (stated[1]! + stated[2]!) / 2;
    const decline = mode === 'random' ? random() < 0.5 : pull > 0;
    units.push({ unit: `s${s}`, stated, enacted: decline ? [1, 0, 0] : [0, 1, 1] });
  }
  return units;
}

describe('gap panel chance baselines (calibration)', function () {
  this.timeout(120_000);
  const runs = 300;
  const alpha = 0.05;
  // A rejection rate above alpha + 3 standard errors of a binomial share over `runs` runs fails.
  const ceiling = alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / runs);

  it(`a random respondent beats no metric's chance baseline in more than ${(100 * ceiling).toFixed(1)}% of ${runs} runs; an aligned one beats F1 and r in at least 90%`, () => {
    const random = seededRandom(20261130);
    const beats = { f1: 0, notHeld: 0, distance: 0, r: 0, saysNotDoes: 0 };
    const aligned = { f1: 0, r: 0 };
    for (let run = 0; run < runs; run++) {
      const units = respondent(random, 40, 'random');
      const g = gapMetrics(units, ['privacy', 'prosocial', 'acceptance'], { seed: run + 1, draws: 400 });
      if (g.alignment.held.chance.p! < alpha) beats.f1++;
      if (g.alignment.notHeld.chance.p! < alpha) beats.notHeld++;
      if (g.distance.overall.chance.p! < alpha) beats.distance++;
      if (g.correlation.chance.p! < alpha) beats.r++;
      if (g.directional.total.saysNotDoes.chance.p! < alpha) beats.saysNotDoes++;
      const a = gapMetrics(respondent(random, 40, 'aligned'), ['privacy', 'prosocial', 'acceptance'], { seed: run + 1, draws: 400 });
      if (a.alignment.held.chance.p! < alpha) aligned.f1++;
      if (a.correlation.chance.p! < alpha) aligned.r++;
    }
    for (const k of ['f1', 'notHeld', 'distance', 'r', 'saysNotDoes'] as const) {
      assert.ok(beats[k] / runs <= ceiling, `${k}: a random respondent beat chance in ${beats[k]} of ${runs} runs`);
    }
    assert.ok(aligned.f1 / runs >= 0.9, `aligned F1 beat chance in ${aligned.f1} of ${runs}`);
    assert.ok(aligned.r / runs >= 0.9, `aligned r beat chance in ${aligned.r} of ${runs}`);
    console.log(`      rejections at 0.05 over ${runs} random runs: ${JSON.stringify(beats)}; aligned: ${JSON.stringify(aligned)}`);
  });

  it('shuffles whole actions, not pairs: the pooled hypergeometric lets a random respondent beat chance when the values share one action', () => {
    // Privacy nearly always held, the other two nearly never: TP is the number of declines, Binomial(40, 1/2),
    // while pairs shuffled one by one give it about half that variance, so its upper tail is too thin.
    const random = seededRandom(5);
    let pooled = 0;
    let ours = 0;
    for (let run = 0; run < runs; run++) {
      const g = gapMetrics(respondent(random, 40, 'random', [0.85, 0.15, 0.15]), ['privacy', 'prosocial', 'acceptance'], { seed: run + 1, draws: 100 });
      const f = g.alignment.held;
      if (hypergeometricUpper(f.tp, { population: f.n, successes: f.tp + f.fn, draws: f.tp + f.fp }) < alpha) pooled++;
      if (f.chance.p! < alpha) ours++;
    }
    assert.ok(pooled / runs > ceiling, `pooled hypergeometric rejected ${pooled} of ${runs}`);
    assert.ok(ours / runs <= ceiling, `whole-action shuffle rejected ${ours} of ${runs}`);
  });
});
