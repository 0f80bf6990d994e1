import type { RunHeader } from '../run/record';
import type { RunLogInput } from './analyzeRun';

/** A run log as a comparison lists it: what it planned, what it holds, and a status a person reads. */
export interface RunInfo {
  runId: string;
  file?: string;
  scenario: string;
  scenarioHash: string;
  startedAt: string;
  models: string[];
  /** Sessions in the log. */
  sessions: number;
  /** Sessions its header planned: models x variants x personas (at least 1) x samples. */
  planned: number;
  /** `zero sessions`: nothing to compare; `partial`: fewer sessions than planned (cancelled, stopped or still running). */
  status: 'complete' | 'partial' | 'zero sessions';
}

/** The (persona, sample) places a header plans for each of its models and variants. */
export function plannedPerCell(header: RunHeader): number {
  return Math.max(1, header.personas) * header.samples;
}

/** The status of a run log from its header and sessions. */
export function runInfo(log: RunLogInput): RunInfo {
  const h = log.header;
  const planned = h.models.length * h.variants.length * plannedPerCell(h);
  const sessions = log.sessions.length;
  return {
    runId: h.runId, ...(log.file ? { file: log.file } : {}), scenario: h.scenario, scenarioHash: h.scenarioHash, startedAt: h.startedAt,
    models: [...h.models], sessions, planned,
    status: sessions === 0 ? 'zero sessions' : sessions < planned ? 'partial' : 'complete',
  };
}

/** "complete", "partial 7/24" or "zero sessions": the label every place that shows a run uses. */
export function runStatusLabel(r: RunInfo): string {
  return r.status === 'partial' ? `partial ${r.sessions}/${r.planned}` : r.status;
}
