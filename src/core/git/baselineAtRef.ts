import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRunLog } from '../run/runLog';
import type { RunHeader } from '../run/record';
import { fileAtRef, GitError, textHash } from './gitFiles';

/** The baseline found for one scenario at a git ref. */
export interface BaselineAtRef {
  /** The scenario text at the ref, its commit and its sha256. */
  text: string;
  commit: string;
  hash: string;
  /** The chosen run logs, newest first. */
  files: string[];
}

/** What to look for: the scenario, the ref, where runs are kept, and the candidate to compare with. */
export interface BaselineAtRefQuery {
  scenarioFile: string;
  scenarioId: string;
  ref: string;
  /** Folders holding the scenario's run logs (e.g. `<workspace>/.dilemma/runs/<scenario>`). */
  runDirs: readonly string[];
  /** The candidate's own logs, never their own baseline. */
  exclude: readonly string[];
  /** The candidate's models: for each, the newest run at the ref with sessions of that model is taken. */
  models: readonly string[];
}

/**
 * The baseline of a comparison as "the newest run at a git ref": run logs are not committed (they live
 * in `.dilemma/`), so this reads the scenario file as committed at `ref`, hashes it, and picks among the
 * saved runs those whose header recorded that hash, i.e. runs made with the scenario exactly as it is at
 * the ref. For each of the candidate's models it takes the newest such run (by the header's start time)
 * that has sessions of that model. Throws GitError (ref, repository) or a GitError saying what was searched.
 */
export async function baselineAtRef(q: BaselineAtRefQuery): Promise<BaselineAtRef> {
  const { text, commit } = await fileAtRef(q.scenarioFile, q.ref);
  const hash = textHash(text);
  const excluded = new Set(q.exclude.map((f) => path.resolve(f)));
  const files = [...new Set(q.runDirs.map((d) => path.resolve(d)))].flatMap((dir) => {
    try {
      return fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl')).map((n) => path.join(dir, n));
    } catch {
      return [];
    }
  }).filter((f) => !excluded.has(f));
  const runs: { file: string; header: RunHeader; models: Set<string> }[] = [];
  let other = 0;
  for (const file of files) {
    let log;
    try {
      log = await readRunLog(file);
    } catch {
      continue; // an unreadable log is no one's baseline; `dilemma analyze` names its line
    }
    if (log.header.scenario !== q.scenarioId) continue;
    if (log.header.scenarioHash !== hash) {
      other++;
      continue;
    }
    runs.push({ file, header: log.header, models: new Set(log.sessions.map((s) => s.model)) });
  }
  runs.sort((a, b) => b.header.startedAt.localeCompare(a.header.startedAt) || b.file.localeCompare(a.file));
  const chosen = new Set<string>();
  for (const m of q.models) {
    const r = runs.find((x) => x.models.has(m));
    if (r) chosen.add(r.file);
  }
  if (chosen.size === 0) {
    const where = q.runDirs.join(', ');
    const models = q.models.join(', ');
    throw new GitError(runs.length
      ? `no run of ${q.scenarioId} made with its version at ${q.ref} (${commit.slice(0, 12)}, scenario sha256 ${hash.slice(0, 12)}) has sessions of ${models}; ${runs.length} run(s) of that version in ${where} are of other models`
      : `no run of ${q.scenarioId} in ${where} was made with its version at ${q.ref} (${commit.slice(0, 12)}, scenario sha256 ${hash.slice(0, 12)}); ${other} run(s) there are of other versions. Run the scenario as it is at ${q.ref} first.`);
  }
  return { text, commit, hash, files: runs.filter((r) => chosen.has(r.file)).map((r) => r.file) };
}
