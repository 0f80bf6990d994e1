/**
 * The `.dilemma/` layout of a workspace, known here and nowhere else:
 *
 *     <root>/.dilemma/runs/<scenario>/<run-id>.jsonl   run logs (src/core/run/record.ts)
 *     <root>/.dilemma/cache/<2 hex>/<key>.json          the response cache (src/core/run/cache.ts)
 *
 * `<root>` is the scenario's workspace root: the nearest ancestor with `.git` or `package.json`, else
 * the scenario's own folder. The CLI and the editor both resolve paths through these functions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The folder under the workspace root that holds run logs and the cache. */
export const DILEMMA_DIR = '.dilemma';
/** Run logs, one folder per scenario id. */
export const RUNS_DIR = 'runs';
/** The response cache. */
export const CACHE_DIR = 'cache';
/** A run log's file extension. */
export const RUN_LOG_EXT = '.jsonl';

/**
 * The folder a scenario belongs to: the nearest ancestor with `.git` or `package.json`, else the
 * scenario's own folder. Run logs and the cache live under `<root>/.dilemma/`.
 */
export function workspaceRoot(scenarioFile: string): string {
  const start = path.dirname(path.resolve(scenarioFile));
  for (let dir = start; ; ) {
    if (fs.existsSync(path.join(dir, '.git')) || fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
}

/** `<workspace root>/.dilemma/runs`: where the run logs of a scenario file go by default. */
export function defaultRunDir(scenarioFile: string): string {
  return path.join(workspaceRoot(scenarioFile), DILEMMA_DIR, RUNS_DIR);
}

/** `<workspace root>/.dilemma/cache`. */
export function defaultCacheDir(scenarioFile: string): string {
  return path.join(workspaceRoot(scenarioFile), DILEMMA_DIR, CACHE_DIR);
}

/** `<runDir>/<scenario>`: the folder of one scenario's run logs. */
export function scenarioRunDir(runDir: string, scenario: string): string {
  return path.join(runDir, scenario);
}

/** `<runDir>/<scenario>/<runId>.jsonl`. */
export function runLogPath(runDir: string, scenario: string, runId: string): string {
  return path.join(scenarioRunDir(runDir, scenario), `${runId}${RUN_LOG_EXT}`);
}

/** Whether a file name is a run log's. */
export function isRunLogName(name: string): boolean {
  return name.endsWith(RUN_LOG_EXT);
}

/** The run id of a run log's path (its file name without `.jsonl`). */
export function runIdOfLog(file: string): string {
  return path.basename(file, RUN_LOG_EXT);
}

/**
 * The workspace root a run log lives in, read from its path (`<root>/.dilemma/runs/...`); undefined
 * for a log kept elsewhere (`dilemma run --out DIR`).
 */
export function workspaceOfLog(logFile: string): string | undefined {
  const abs = path.resolve(logFile);
  const at = abs.lastIndexOf(`${path.sep}${DILEMMA_DIR}${path.sep}`);
  return at >= 0 ? abs.slice(0, at) : undefined;
}
