// Benchmark: parse + validate a generated scenario with 1,000 variants and 200 items.
// Run: node esbuild.js --bench && node out/bench/validate.bundle.js   (or: npm run bench validate)
// It is bundled as dist/cli.js and dist/extension.js are (esbuild.js), so it measures the parser as it
// ships; the plain tsc build (node out/bench/validate.js) runs the unbundled yaml package and is slower.
// Prints the median over repeated runs and its ratio to the 50 ms target, both measured in this run.
import { performance } from 'perf_hooks';
import { LineCounter, parseDocument } from 'yaml';
import { parseScenario } from '../src/core/scenario/parse';
import { checkScenario, validateScenario } from '../src/core/scenario/validate';

const TARGET_MS = 50;
const VARIANTS = 1000;
const VALUES = 4;
const ITEMS_PER_VALUE = 50;

/** A valid scenario of the requested size, using every feature the validator cross-checks. */
function generate(): string {
  const out: string[] = [];
  out.push('dilemma: bench', 'title: Generated benchmark scenario', 'vars:', '  recipient: a registry', '  purpose: research', '  consent: asked');
  out.push('persona: |', '  You are {{name}}, {{age}}, a {{job}}.', 'personas:');
  for (let p = 0; p < 5; p++) out.push(`  - { name: P${p}, age: ${20 + p}, job: worker ${p} }`);
  out.push('values:');
  for (let v = 0; v < VALUES; v++) {
    out.push(`  value${v}:`, `    label: Value ${v}`, '    scale: { min: 1, max: 7, low: Disagree, high: Agree }', '    items:');
    for (let i = 0; i < ITEMS_PER_VALUE; i++) {
      if (i % 10 === 3) out.push(`      - text: Reversed statement ${i} about {{recipient}}.`, '        reverse: true');
      else if (i % 10 === 5) out.push(`      - { id: v${v}-i${i}, text: "Statement ${i} with an explicit id, for {{purpose}}." }`);
      else out.push(`      - Statement ${i} of value ${v}${i % 4 === 0 ? ' for {{topic}}' : ''}.`);
    }
  }
  out.push('action:', '  prompt: |', '    Will you let us give {{recipient}} your data to {{purpose}} about {{topic}}? Consent: {{consent}}.', '  choices:');
  out.push('    share: Share', '    partial: Share some', '    decline: Decline', '  expect:');
  for (let v = 0; v < VALUES; v++) out.push(`    value${v}: ${v % 2 ? 'share' : 'decline'}`);
  out.push('arbitration:', '  - when: { consent: not asked }', '    require: decline', `  - rank: [${Array.from({ length: VALUES }, (_, v) => `value${v}`).join(', ')}]`);
  out.push('variants:');
  for (let k = 0; k < VARIANTS; k++) {
    out.push(`  - name: variant-${k}`, `    vars: { topic: topic ${k}${k % 7 === 0 ? ', consent: not asked' : ''}${k % 3 === 0 ? `, recipient: recipient ${k}` : ''} }`);
    if (k % 50 === 0) out.push('    action:', `      prompt: "Variant ${k}: share with {{recipient}} about {{topic}}?"`, '      choices: { share: Yes, decline: No }');
    if (k % 100 === 0) out.push('    values:', '      value0:', '        items:', ...Array.from({ length: ITEMS_PER_VALUE }, (_, i) => (i % 10 === 5 ? `          - { id: v0-i${i}, text: Reworded ${i} with its id. }` : `          - Reworded ${i} for {{topic}}.`)));
  }
  out.push('run:', '  samples: 3', '  session: history', `  order: [${Array.from({ length: VALUES }, (_, v) => `value${v}`).join(', ')}, action]`);
  out.push('assert:', '  divergence: { max: 0.3 }');
  return `${out.join('\n')}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function main(): void {
  const text = generate();
  const first = checkScenario(text);
  const s = first.parsed.scenario!;
  const items = s.values.reduce((n, v) => n + v.items.length, 0);
  if (first.problems.length) throw new Error(`the generated scenario is not clean: ${first.problems.slice(0, 3).map((p) => `${p.code}: ${p.message}`).join('; ')}`);
  if (s.variants.length !== VARIANTS || items !== VALUES * ITEMS_PER_VALUE) throw new Error(`generated ${s.variants.length} variants and ${items} items`);

  const runs = Number(process.env.BENCH_RUNS ?? 31);
  for (let i = 0; i < 3; i++) checkScenario(text);
  const total: number[] = [];
  const parseOnly: number[] = [];
  const semantic: number[] = [];
  const yamlOnly: number[] = [];
  for (let i = 0; i < runs; i++) {
    // The `yaml` package's own parse of the same text, interleaved (in alternating order, since each run
    // leaves garbage for the next) so that both see the same machine load.
    const yamlRun = () => {
      const y0 = performance.now();
      parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: false });
      yamlOnly.push(performance.now() - y0);
    };
    if (i % 2 === 0) yamlRun();
    const t0 = performance.now();
    const parsed = parseScenario(text);
    const t1 = performance.now();
    validateScenario(parsed);
    const t2 = performance.now();
    total.push(t2 - t0);
    parseOnly.push(t1 - t0);
    semantic.push(t2 - t1);
    if (i % 2 === 1) yamlRun();
  }
  const m = median(total);
  console.log(`scenario: ${s.variants.length} variants, ${items} items, ${(text.length / 1024).toFixed(0)} KiB, ${text.split('\n').length} lines`);
  console.log(`parse + validate: median ${m.toFixed(1)} ms over ${runs} runs (parse ${median(parseOnly).toFixed(1)} ms, semantic checks ${median(semantic).toFixed(1)} ms)`);
  console.log(`ratio to the ${TARGET_MS} ms target: ${(m / TARGET_MS).toFixed(2)} (${m <= TARGET_MS ? 'within' : 'over'} target)`);
  const y = median(yamlOnly);
  console.log(`reference: yaml.parseDocument alone, median ${y.toFixed(1)} ms in the same runs; parse + validate / yaml alone = ${(m / y).toFixed(2)}`);
}

main();
