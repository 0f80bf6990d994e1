import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { main } from '../../../src/cli/main';
import { analyzeRun } from '../../../src/core/analysis/analyzeRun';
import { seededRandom, randomInt, type Random } from '../../../src/core/random';
import type { ItemAnswer, RunHeader, SessionRecord } from '../../../src/core/run/record';
import type { Scenario } from '../../../src/core/scenario/model';
import { parseScenario } from '../../../src/core/scenario/parse';
import { repoPath, repoRoot } from '../../support/paths';

type Library = typeof import('../../../src/lib/arbiter');
type Decision = ReturnType<Library['arbitrate']>;

/** A session's stated score per value as the library takes it: the mean of its readable answers after reverse-coding, on the value's scale. */
function statedOf(scenario: Scenario, items: readonly ItemAnswer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of scenario.values) {
    const xs = items.filter((i) => i.value === v.name && i.status === 'ok')
      .map((i) => (v.items.find((it) => it.id === i.item)!.reverse ? v.scale!.min + v.scale!.max - i.answer! : i.answer!));
    if (xs.length) out[v.name] = xs.reduce((a, b) => a + b, 0) / xs.length;
  }
  return out;
}

/** Item answers drawn at random: each a whole number on its scale, or (sometimes) unreadable; sometimes a whole value unreadable. */
function answers(scenario: Scenario, random: Random): ItemAnswer[] {
  const out: ItemAnswer[] = [];
  for (const v of scenario.values) {
    const silent = random() < 0.08;
    for (const it of v.items) {
      if (silent || random() < 0.1) out.push({ item: it.id, value: v.name, status: 'unparsed', raw: 'hm', latencyMs: 1 });
      else {
        const x = v.scale!.min + randomInt(random, v.scale!.max - v.scale!.min + 1);
        out.push({ item: it.id, value: v.name, status: 'ok', answer: x, raw: String(x), latencyMs: 1 });
      }
    }
  }
  return out;
}

function session(scenario: Scenario, variant: string, persona: number, sample: number, items: ItemAnswer[]): SessionRecord {
  return {
    v: 1, kind: 'session', runId: 'r', scenario: scenario.id, key: `m|${variant}|${persona}|${sample}`, model: 'm', variant, persona, sample, status: 'complete',
    items, latencyMs: 1, usage: { promptTokens: 0, completionTokens: 0 }, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z',
  };
}

/** The analysis' implied action for each session, in the shape the library returns. */
function analysisDecisions(scenario: Scenario, sessions: SessionRecord[]): Map<string, Omit<Decision, 'rule'> & { rule: number | null }> {
  const header: RunHeader = { v: 1, kind: 'run', runId: 'r', scenario: scenario.id, file: 'x', scenarioHash: 'h', models: ['m'], variants: scenario.variants.map((v) => v.name), personas: scenario.personas.length, samples: 1, startedAt: '2026-01-01T00:00:00Z' };
  const a = analyzeRun(scenario, [{ header, sessions }], { latentModel: false, deferPathModel: true });
  return new Map(a.samples.map((s) => [s.key, { decision: s.implied.action ?? null, rule: s.implied.rule ?? null, because: s.implied.reason, by: s.implied.by, values: s.implied.values }]));
}

const comparable = (d: Decision): Omit<Decision, 'rule'> & { rule: number | null } => ({ decision: d.decision, rule: d.rule?.index ?? null, because: d.because, by: d.by, values: d.values });

async function cliInProcess(args: string[], cwd: string): Promise<Decision> {
  let out = '';
  let err = '';
  const code = await main(['arbitrate', ...args], { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, cwd });
  assert.equal(code, 0, err);
  return JSON.parse(out) as Decision;
}

const flags = (o: { variant?: string; persona?: number; vars?: Record<string, string>; stated?: Record<string, number> }): string[] => [
  ...(o.variant !== undefined ? ['--variant', o.variant] : []),
  ...(o.persona !== undefined ? ['--persona', String(o.persona)] : []),
  ...Object.entries(o.vars ?? {}).flatMap(([k, v]) => ['--var', `${k}=${v}`]),
  ...Object.entries(o.stated ?? {}).flatMap(([k, v]) => ['--stated', `${k}=${v}`]),
];

describe('the arbiter: library, CLI and analysis decide identically', function () {
  this.timeout(240_000);
  const examples = fs.readdirSync(repoPath('examples')).filter((f) => f.endsWith('.dilemma.yaml')).sort();
  let dir: string;
  let lib: Library;

  before(() => {
    if (!fs.existsSync(repoPath('dist', 'arbiter.js')) || !fs.existsSync(repoPath('dist', 'arbiter.d.ts'))) {
      assert.equal(spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' }).status, 0);
    }
    // A consumer's project with the package installed: `dilemma-lens/arbiter` resolves through package.json `exports`.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-arbiter-'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(repoRoot, path.join(dir, 'node_modules', 'dilemma-lens'), 'dir');
    lib = createRequire(path.join(dir, 'consumer.js'))('dilemma-lens/arbiter') as Library;
    for (const f of examples) fs.copyFileSync(repoPath('examples', f), path.join(dir, f));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('resolves from the built bundle through package.json exports, and nothing else of the package does', () => {
    const req = createRequire(path.join(dir, 'consumer.js'));
    assert.equal(fs.realpathSync(req.resolve('dilemma-lens/arbiter')), fs.realpathSync(repoPath('dist', 'arbiter.js')));
    assert.throws(() => req.resolve('dilemma-lens/dist/cli.js'), /ERR_PACKAGE_PATH_NOT_EXPORTED|not defined by "exports"/);
    assert.deepEqual(Object.keys(lib).sort(), ['ArbitrationInputError', 'ScenarioLoadError', 'arbitrate', 'loadScenario']);
    // The bundle pulls in neither vscode nor the network stack.
    const bundle = fs.readFileSync(repoPath('dist', 'arbiter.js'), 'utf8');
    assert.doesNotMatch(bundle, /require\("vscode"\)|require\("(node:)?(http|https|net)"\)/);
  });

  it('type-checks a TypeScript consumer against the shipped declarations', () => {
    fs.writeFileSync(path.join(dir, 'consumer.ts'), [
      "import { arbitrate, loadScenario, ScenarioLoadError, type ArbitrationDecision } from 'dilemma-lens/arbiter';",
      "const s = loadScenario('');",
      "const d: ArbitrationDecision = arbitrate(s, { vars: { consent: 'asked' }, stated: { privacy: 6 } });",
      "const line: number | undefined = d.rule?.line;",
      "const decision: string | null = d.decision;",
      "export const out = [line, decision, ScenarioLoadError.name];",
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'node16', moduleResolution: 'node16', noEmit: true, types: [], skipLibCheck: false }, files: ['consumer.ts'] }));
    const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    fs.writeFileSync(path.join(dir, 'consumer.ts'), "import { arbitrate } from 'dilemma-lens/arbiter';\nexport const d = arbitrate('not a scenario');\n");
    const bad = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0, 'a wrong argument is a type error');
  });

  it('on every variant and persona of every example (the built CLI run as a process for each)', () => {
    const random = seededRandom(13);
    for (const f of examples) {
      const text = fs.readFileSync(repoPath('examples', f), 'utf8');
      const scenario = parseScenario(text).scenario!;
      const loaded = lib.loadScenario(text);
      const sessions: SessionRecord[] = [];
      const personas = Math.max(1, scenario.personas.length);
      for (const v of scenario.variants) for (let p = 0; p < personas; p++) sessions.push(session(scenario, v.name, p, 0, answers(scenario, random)));
      const fromAnalysis = analysisDecisions(scenario, sessions);
      for (const s of sessions) {
        const context = { variant: s.variant, ...(scenario.personas.length ? { persona: s.persona } : {}), stated: statedOf(scenario, s.items) };
        const fromLibrary = lib.arbitrate(loaded, context);
        assert.deepEqual(comparable(fromLibrary), fromAnalysis.get(s.key), `${f} ${s.key}: library vs analysis`);
        const r = spawnSync(process.execPath, [repoPath('dist', 'cli.js'), 'arbitrate', f, ...flags(context)], { cwd: dir, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), fromLibrary, `${f} ${s.key}: CLI vs library`);
      }
    }
  });

  it('on 1,000 generated contexts: vars that meet or miss each `when` rule, stated scores on and off the midpoint, values left out', async () => {
    const random = seededRandom(2026);
    let total = 0;
    const seen = new Set<string>();
    const BATCH = 25;
    for (let batch = 0; total < 1000; batch++) {
      // Each batch: one example, copied with generated variants (one in three copies without its rank
      // rule, so that the held values vote when no `when` rule applies).
      const f = examples[batch % examples.length]!;
      const base = parseScenario(fs.readFileSync(repoPath('examples', f), 'utf8')).scenario!;
      const names = new Set<string>(base.vars.keys());
      const candidates = new Map<string, string[]>();
      for (const r of base.arbitration) if (r.kind === 'when') for (const [k, e] of r.when) {
        names.add(k);
        candidates.set(k, [...(candidates.get(k) ?? []), e.value]);
      }
      for (const [k, e] of base.vars) candidates.set(k, [...(candidates.get(k) ?? []), e.value]);
      const count = Math.min(BATCH, 1000 - total);
      const variants = Array.from({ length: count }, (_, i) => {
        const vars: Record<string, string> = {};
        for (const k of names) {
          const u = random();
          if (u < 0.45) vars[k] = candidates.get(k)![randomInt(random, candidates.get(k)!.length)]!;
          else if (u < 0.6) vars[k] = `other ${randomInt(random, 100)}`;
        }
        return { name: `g${i}`, vars };
      });
      const doc = parseDocument(fs.readFileSync(repoPath('examples', f), 'utf8'));
      doc.set('variants', variants.map((v) => (Object.keys(v.vars).length ? { name: v.name, vars: v.vars } : { name: v.name })));
      if (batch % 3 === 1) doc.set('arbitration', ((doc.toJS().arbitration ?? []) as { rank?: string[] }[]).filter((r) => !r.rank));
      const file = `generated-${batch}-${f}`;
      const text = String(doc);
      fs.writeFileSync(path.join(dir, file), text);
      const scenario = parseScenario(text).scenario!;
      const loaded = lib.loadScenario(text);
      const personas = Math.max(1, scenario.personas.length);
      const sessions = variants.map((v, i) => session(scenario, v.name, randomInt(random, personas), i, answers(scenario, random)));
      const fromAnalysis = analysisDecisions(scenario, sessions);
      assert.equal(fromAnalysis.size, count);
      for (const [i, s] of sessions.entries()) {
        // The product's call: its own vars, not a variant's.
        const context = { vars: variants[i]!.vars, ...(scenario.personas.length ? { persona: s.persona } : {}), stated: statedOf(scenario, s.items) };
        const fromLibrary = lib.arbitrate(loaded, context);
        assert.deepEqual(comparable(fromLibrary), fromAnalysis.get(s.key), `${file} ${s.key} ${JSON.stringify(context)}: library vs analysis`);
        assert.deepEqual(await cliInProcess([file, ...flags(context)], dir), fromLibrary, `${file} ${s.key}: CLI vs library`);
        seen.add(fromLibrary.by);
      }
      total += count;
    }
    assert.equal(total, 1000);
    assert.deepEqual([...seen].sort(), ['rank', 'undetermined', 'vote', 'when'], 'the contexts reach every way of deciding');
  });
});
