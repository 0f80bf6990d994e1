// Benchmark: generating and planning the perturbation families of a scenario with 20 variants (issue 12 §5).
// Run: npm run -s compile-tests && node out/bench/families.js   (or: node scripts/bench.mjs families)
// The scenario (parsed once, outside the timing) has 20 authored variants, 3 choices, 5 personas and
// every `perturb` kind that needs no model: choice-order (5 more orders), forms ab and repeat (compare
// needs two choices), 4 pressure lines and 2 pushback turns: 11 members per variant, 240 variants in all.
// Timed: the plan's shape (which generates every family), the lazy plan, rendering every planned
// variant for every persona (as the run does, once per variant and persona), and the preflight
// estimate. No model call. Prints the median of 31 runs (wall clock and this process's CPU time) and
// their ratios to the 50 ms target, with the load average (the machine is shared).
import * as os from 'node:os';
import { performance } from 'perf_hooks';
import { parseScenario } from '../src/core/scenario/parse';
import { estimateShape, planRun } from '../src/core/run/plan';

const TARGET_MS = 50;
const VARIANTS = 20;
const PERSONAS = 5;

export function generate(): string {
  const out: string[] = ['dilemma: families-bench', 'persona: You are {{name}}, a {{job}}.', 'personas:'];
  for (let p = 0; p < PERSONAS; p++) out.push(`  - { name: P${p}, job: worker ${p} }`);
  out.push('values:');
  for (let v = 0; v < 3; v++) {
    out.push(`  value${v}:`, '    scale: { min: 1, max: 7, low: Disagree, high: Agree }', '    items:');
    for (let i = 0; i < 5; i++) out.push(`      - Statement ${i} of value ${v} about {{recipient}}.`);
  }
  out.push('action:', '  prompt: Will you give {{recipient}} your data for {{topic}}?', '  choices: { share: Share it, partial: Share some, decline: Keep it }');
  out.push('  expect: { value0: decline, value1: share, value2: partial }', 'vars: { recipient: a registry }', 'variants:');
  for (let k = 0; k < VARIANTS; k++) out.push(`  - { name: variant-${k}, vars: { topic: topic ${k} } }`);
  out.push('run: { samples: 10 }', 'perturb:', '  seed: 7', '  choice-order: true', '  forms: [ab, repeat]', '  pressure: [authority, urgency, social-proof, sycophancy]', '  pushback: { turns: 2 }');
  return `${out.join('\n')}\n`;
}

function main(): void {
  const text = generate();
  const scenario = parseScenario(text).scenario!;
  const times: number[] = [];
  // CPU time of this process too: on a shared machine the wall clock also counts waiting for a core.
  const cpu: number[] = [];
  let variants = 0;
  let sessions = 0;
  for (let run = 0; run < 31; run++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const plan = planRun(scenario, { models: ['bench/a'] });
    for (const v of plan.variants) for (let p = 0; p < plan.personas; p++) if (!plan.rendered(v, p)) throw new Error(`not rendered: ${v}`);
    const estimate = estimateShape(scenario, plan);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    variants = plan.variants.length;
    sessions = estimate.sessions;
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const median = times[15]!;
  console.log(`families of ${VARIANTS} variants: ${variants} planned variants (${variants - VARIANTS} generated), ${PERSONAS} personas, ${sessions} sessions`);
  console.log(`generate + plan + render every variant x persona + estimate: median ${median.toFixed(2)} ms over ${times.length} runs (min ${times[0]!.toFixed(2)}, max ${times.at(-1)!.toFixed(2)})`);
  console.log(`ratio to the ${TARGET_MS} ms target: ${(median / TARGET_MS).toFixed(3)} (wall clock); CPU time median ${cpu[15]!.toFixed(2)} ms, ratio ${(cpu[15]! / TARGET_MS).toFixed(3)}; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`);
}

if (require.main === module) main();
