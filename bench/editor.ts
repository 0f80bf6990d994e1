// Benchmark of the editor's speed: the extension's activation time, the size of the production bundle,
// and the time from a results update to the decoration plan of a scenario with 200 variants.
// Run: npx tsc -p tsconfig.test.json && node out/bench/editor.js
// Rebuilds dist/ in production mode for the size and activation figures, then restores the dev build.
// Activation is measured in plain Node, not in VS Code: a fresh `node` process per sample requires
// dist/extension.js with a stub `vscode` module (bench/editor/activate.js: every API call returns a
// disposable), and times `require` + `activate(context)`. That is the extension's own cost; the
// extension host's loading around it is not ours to shorten. Each figure is printed with its ratio to
// its target, all measured in this run.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RunHeader, SessionRecord } from '../src/core/run/record';
import { parseScenario } from '../src/core/scenario/parse';
import { createPlanMemo, decorationPlan, statedMarks, type PlanMemo } from '../src/core/view/decorationPlan';
import { analyzeForEditor, type EditorAnalysisCache } from '../src/core/view/editorAnalysis';

const TARGETS = { activationMs: 50, bundleBytes: 1.5 * 1024 * 1024, decorationsMs: 16 };
const VARIANTS = 200;
const SAMPLES = 5;
const root = process.cwd();

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const line = (name: string, value: string, ratio: number, target: string): void =>
  console.log(`${name.padEnd(62)} ${value.padStart(12)}   target ${target.padEnd(10)} ratio ${ratio.toFixed(3)} ${ratio <= 1 ? '(meets)' : '(MISSES)'}`);

/** A scenario of the health-registry shape with `VARIANTS` variants, each changing a var and some its prompt. */
function scenarioText(): string {
  const out = ['dilemma: bench-editor', 'title: Generated editor benchmark', 'vars:', '  recipient: a registry', '  purpose: research', 'values:'];
  for (const [v, max, n] of [['privacy', 7, 4], ['prosocial', 5, 3]] as const) {
    out.push(`  ${v}:`, `    scale: { min: 1, max: ${max} }`, '    items:');
    for (let i = 1; i <= n; i++) out.push(`      - ${v} statement ${i} about {{recipient}}.`);
  }
  out.push('action:', '  prompt: Will you share your records with {{recipient}} for {{purpose}}?', '  choices:', '    share: Share', '    decline: Decline',
    '  expect:', '    privacy: decline', '    prosocial: share', 'arbitration:', '  - rank: [privacy, prosocial]', 'variants:', '  - name: baseline');
  for (let i = 1; i < VARIANTS; i++) {
    out.push(`  - name: v${i}`, `    vars: { recipient: recipient number ${i} }`);
    if (i % 3 === 0) out.push('    action:', `      prompt: Would you let {{recipient}} (variant ${i}) use your records for {{purpose}}?`);
  }
  out.push('run:', `  samples: ${SAMPLES}`, 'assert:', '  divergence: { max: 0.3 }');
  return `${out.join('\n')}\n`;
}

/** Deterministic session records: stated values vary by sample, and the action follows privacy except every fourth sample. */
function records(variants: string[]): SessionRecord[] {
  const out: SessionRecord[] = [];
  for (const [vi, variant] of variants.entries()) {
    for (let s = 0; s < SAMPLES; s++) {
      const p = 1 + ((vi + s * 3) % 7);
      const q = 1 + ((vi * 2 + s) % 5);
      const items = [1, 2, 3, 4].map((i) => ({ item: `privacy.${i}`, value: 'privacy', status: 'ok' as const, answer: p, raw: String(p), latencyMs: 1 }))
        .concat([1, 2, 3].map((i) => ({ item: `prosocial.${i}`, value: 'prosocial', status: 'ok' as const, answer: q, raw: String(q), latencyMs: 1 })));
      const choice = (p > 4) !== (s % 4 === 3) ? 'decline' : 'share';
      out.push({
        v: 1, kind: 'session', runId: 'bench', scenario: 'bench-editor', key: `m|${variant}|0|${s}`, model: 'm', variant, persona: 0, sample: s,
        status: 'complete', items, action: { status: 'ok', choice, raw: choice, latencyMs: 1 }, latencyMs: 7, usage: { promptTokens: 0, completionTokens: 0 },
        startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z',
      } as SessionRecord);
    }
  }
  return out;
}

function decorations(): void {
  const text = scenarioText();
  const scenario = parseScenario(text).scenario!;
  const variants = scenario.variants.map((v) => v.name);
  const recs = records(variants);
  const header: RunHeader = { v: 1, kind: 'run', runId: 'bench', scenario: scenario.id, file: 'bench.dilemma.yaml', scenarioHash: 'h', models: ['m'], variants, personas: 0, samples: SAMPLES, startedAt: '2026-01-01T00:00:00Z' };
  // What the editor does on a results update, as ResultsStore.reanalyse then ResultDecorations.planFor
  // call them: the live re-analysis with the entry's cache, then the plan. An update brings the sessions
  // that ended since the last one (the store re-analyses at most every 300 ms): here the last NEW.
  const NEW = 10;
  // The state an update finds: the store's cache and the decoration owner's plan memo, both as the previous update left them.
  const primed = (): { cache: EditorAnalysisCache; memo: PlanMemo } => {
    const cache: EditorAnalysisCache = {};
    const memo = createPlanMemo();
    const before = recs.slice(0, recs.length - NEW);
    decorationPlan(scenario, text, analyzeForEditor(scenario, text, header, before, 'bench.jsonl', cache), before, undefined, memo);
    return { cache, memo };
  };
  const analysis = analyzeForEditor(scenario, text, header, recs, 'bench.jsonl');
  // The plan from scratch (nothing memoised), as on a file's first showing.
  let plan = decorationPlan(scenario, text, analysis, recs);
  const planMs: number[] = [];
  const totalMs: number[] = [];
  const coldMs: number[] = [];
  for (let i = 0; i < 3; i++) decorationPlan(scenario, text, analysis, recs); // warm-up
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    plan = decorationPlan(scenario, text, analysis, recs);
    planMs.push(performance.now() - t);
  }
  for (let i = 0; i < 25; i++) {
    const { cache, memo } = primed();
    const t = performance.now();
    decorationPlan(scenario, text, analyzeForEditor(scenario, text, header, recs, 'bench.jsonl', cache), recs, undefined, memo);
    totalMs.push(performance.now() - t);
  }
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    decorationPlan(scenario, text, analyzeForEditor(scenario, text, header, recs, 'bench.jsonl', {}), recs);
    coldMs.push(performance.now() - t);
  }
  // The stated-versus-action marks (values, expect entries, rules), part of every plan: their share of it.
  const statedMs: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    statedMarks(scenario, text, analysis, analysis.models, analysis.models[0]!);
    statedMs.push(performance.now() - t);
  }
  console.log(`decorations: ${VARIANTS} variants x ${SAMPLES} samples (${recs.length} sessions), plan: ${plan.variants.length} variant marks, ${plan.items.length} item marks, ${plan.changed.length} changed-word ranges, ${plan.stated.length} stated marks`);
  line('stated-versus-action marks alone (median of 30)', `${median(statedMs).toFixed(2)} ms`, median(statedMs) / TARGETS.decorationsMs, `${TARGETS.decorationsMs} ms`);
  line('decoration plan alone, nothing memoised (median of 30)', `${median(planMs).toFixed(2)} ms`, median(planMs) / TARGETS.decorationsMs, `${TARGETS.decorationsMs} ms`);
  line(`results update (+${NEW} sessions): re-analysis + plan (median of 25)`, `${median(totalMs).toFixed(1)} ms`, median(totalMs) / TARGETS.decorationsMs, `${TARGETS.decorationsMs} ms`);
  // Not an update: the first analysis of a run or a re-opened file, with nothing cached (for reference).
  line('first analysis, nothing cached + plan (median of 5)', `${median(coldMs).toFixed(1)} ms`, median(coldMs) / TARGETS.decorationsMs, `${TARGETS.decorationsMs} ms`);
}

function bundleAndActivation(): void {
  execFileSync(process.execPath, ['esbuild.js', '--production'], { cwd: root, stdio: 'inherit' });
  try {
    const size = fs.statSync(path.join(root, 'dist', 'extension.js')).size;
    line('dist/extension.js (production)', `${(size / 1024).toFixed(1)} KiB`, size / TARGETS.bundleBytes, '1.5 MiB');
    const probe = path.join(root, 'bench', 'editor', 'activate.js');
    const runs: number[] = [];
    for (let i = 0; i < 15; i++) {
      const out = execFileSync(process.execPath, [probe, path.join(root, 'dist', 'extension.js')], { cwd: root, encoding: 'utf8' });
      runs.push(Number(JSON.parse(out).ms));
    }
    line('activation, require + activate (median of 15 cold processes)', `${median(runs).toFixed(2)} ms`, median(runs) / TARGETS.activationMs, `${TARGETS.activationMs} ms`);
  } finally {
    execFileSync(process.execPath, ['esbuild.js'], { cwd: root, stdio: 'inherit' });
  }
}

console.log(`node ${process.version}, ${new Date().toISOString()}`);
bundleAndActivation();
decorations();
