// Benchmark: memory of a run grows with its concurrency, not with its plan (issue 11 §2).
// Run: npm run -s compile-tests && node --expose-gc out/bench/plan.js   (or: npm run bench plan)
// Runs the engine on plans of 10^3 to 10^7 sessions against an instant in-process model, each stopped
// by the call budget after the same 2,000 calls, and prints the heap each run added at its peak and the
// ratio of the largest plan's to the smallest's (1 when sessions are generated lazily; a plan built as
// an array grows with the plan: ~300 bytes per session). Figures are from this run on this machine.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseScenario } from '../src/core/scenario/parse';
import type { ChatModel, ChatRequest, ChatResponse } from '../src/core/models/chatModel';
import { createScheduler } from '../src/core/run/scheduler';
import { runScenario } from '../src/core/run/engine';

const TEXT = `dilemma: plan-bench
values:
  privacy:
    scale: { min: 1, max: 7 }
    items: [I care about privacy., I share freely.]
  prosocial:
    scale: { min: 1, max: 5 }
    items: [I help others.]
action:
  prompt: Send your records?
  choices: { share: Send them, decline: Keep them }
  expect: { privacy: decline, prosocial: share }
`;
const CALLS = 2000;
const CONCURRENCY = 16;

const model: ChatModel = {
  id: 'bench/instant',
  provider: 'bench',
  origin: 'bench',
  supportsSystemPrompt: true,
  supportsStructuredOutput: false,
  complete: async (_req: ChatRequest): Promise<ChatResponse> => ({ text: '1' }),
};

async function measure(samples: number): Promise<{ sessions: number; peakMb: number; ms: number }> {
  const scenario = parseScenario(TEXT).scenario!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-plan-bench-'));
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const t0 = performance.now();
  try {
    const s = await runScenario({
      scenario,
      file: path.join(dir, 'plan-bench.dilemma.yaml'),
      text: TEXT,
      models: [model],
      scheduler: createScheduler({ concurrency: CONCURRENCY, maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0, requestTimeoutMs: 0, maxCalls: CALLS }),
      runDir: dir,
      samples,
      concurrency: CONCURRENCY,
      onProgress: () => void (peak = Math.max(peak, process.memoryUsage().heapUsed)),
    });
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { sessions: s.planned, peakMb: (peak - base) / 2 ** 20, ms: performance.now() - t0 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!(globalThis as { gc?: () => void }).gc) console.log('(run with node --expose-gc for steadier figures)');
  const rows: { sessions: number; peakMb: number; ms: number }[] = [];
  for (const samples of [1_000, 100_000, 10_000_000]) rows.push(await measure(samples));
  for (const r of rows) console.log(`plan of ${r.sessions.toLocaleString('en-US').padStart(10)} sessions, ${CALLS} calls at concurrency ${CONCURRENCY}: heap +${r.peakMb.toFixed(1)} MB at peak, ${Math.round(r.ms)} ms`);
  const first = rows[0]!;
  const last = rows.at(-1)!;
  console.log(`ratio of peak heap, ${last.sessions.toLocaleString('en-US')} vs ${first.sessions.toLocaleString('en-US')} sessions: ${(last.peakMb / Math.max(0.1, first.peakMb)).toFixed(2)} (plan ${last.sessions / first.sessions}x larger)`);
}

void main();
