/**
 * The "Dilemma Runs" view as a pure tree: per scenario, its runs newest first with model(s), start
 * time, status and session counts, and the context value the view's menus key on. The editor only
 * turns these nodes into tree items (src/editor/runsView.ts). No editor imports.
 */
import { shortModel, shortTime } from '../workspace/resultSet';
import { newestFirst, statusText, type RunInfo, type RunStatus } from '../workspace/runStore';

/** A scenario file and its runs, as the view is given them. */
export interface RunsTreeInput {
  /** The scenario id (the folder under `.dilemma/runs`). */
  id: string;
  /** The scenario file's path. */
  file: string;
  /** Its path as shown (relative to the workspace). */
  label?: string;
  runs: readonly RunInfo[];
}

/** What the view knows beside the runs: which run is the baseline and which is pinned on the lines, per scenario file. */
export interface RunsTreeState {
  baselineOf?: (scenarioFile: string) => string | undefined;
  shownOf?: (scenarioFile: string) => string | undefined;
}

export interface RunNode {
  kind: 'run';
  /** Unique in the tree: the run log's path. */
  id: string;
  scenarioFile: string;
  scenario: string;
  runId: string;
  file: string;
  status: RunStatus;
  /** "2026-12-01 23:10 · sim-aligned" */
  label: string;
  /** "complete 24/24 · 24 answered" (+ " · baseline", " · shown") */
  description: string;
  tooltip: string;
  /** A codicon id. */
  icon: string;
  /** `dilemmaRun.results` (has answered sessions: show, report, baseline, delete) or `dilemmaRun.empty` (delete only); `.baseline` appended for the baseline. */
  contextValue: string;
  baseline: boolean;
  shown: boolean;
}

export interface ScenarioRunsNode {
  kind: 'scenario';
  id: string;
  file: string;
  label: string;
  /** "3 runs" */
  description: string;
  children: RunNode[];
}

const ICONS: Record<RunStatus, string> = {
  complete: 'pass',
  partial: 'warning',
  cancelled: 'circle-slash',
  failed: 'error',
  empty: 'circle-outline',
  unreadable: 'question',
  shard: 'split-horizontal',
};

/** The sessions of a run as counted in its description: answered, and failed when any failed. */
export function sessionCounts(info: RunInfo): string {
  return `${info.complete} answered${info.failed ? `, ${info.failed} failed` : ''}`;
}

/** One run's node. */
export function runNode(scenarioFile: string, info: RunInfo, state: RunsTreeState = {}): RunNode {
  const baseline = state.baselineOf?.(scenarioFile) === info.file;
  const shown = state.shownOf?.(scenarioFile) === info.file;
  const models = info.models.map(shortModel).join(', ') || 'no model';
  const time = info.startedAt ? shortTime(info.startedAt) : info.runId;
  const status = statusText(info);
  const description = [status, ...(info.status === 'unreadable' ? [] : [sessionCounts(info)]), ...(baseline ? ['baseline'] : []), ...(shown ? ['shown'] : [])].join(' · ');
  const tooltip = [
    `Run ${info.runId}`,
    `Models: ${info.models.join(', ') || 'none'}`,
    `Variants: ${info.variants.join(', ') || 'none'}`,
    `Started: ${info.startedAt || 'unknown'}${info.finishedAt ? `, finished ${info.finishedAt}` : ''}`,
    `Status: ${status}`,
    `Sessions: ${info.done} of ${info.planned} planned (${sessionCounts(info)})`,
    info.file,
  ].join('\n');
  return {
    kind: 'run', id: info.file, scenarioFile, scenario: info.scenario, runId: info.runId, file: info.file, status: info.status,
    label: `${time} · ${models}`, description, tooltip, icon: ICONS[info.status],
    contextValue: `dilemmaRun.${info.complete > 0 ? 'results' : 'empty'}${baseline ? '.baseline' : ''}`, baseline, shown,
  };
}

/** The whole tree: scenarios by label (files without runs left out), each with its runs newest first. */
export function runsTree(scenarios: readonly RunsTreeInput[], state: RunsTreeState = {}): ScenarioRunsNode[] {
  return scenarios
    .filter((s) => s.runs.length > 0)
    .map((s) => {
      const runs = newestFirst(s.runs.map((info) => ({ info }))).map((r) => r.info);
      return {
        kind: 'scenario' as const, id: s.file, file: s.file, label: s.label ?? s.id,
        description: `${s.id} · ${runs.length} run${runs.length === 1 ? '' : 's'}`,
        children: runs.map((r) => runNode(s.file, r, state)),
      };
    })
    .sort((a, b) => a.label.localeCompare(b.label));
}
