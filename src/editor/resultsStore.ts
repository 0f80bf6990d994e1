import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ScenarioAnalysis } from '../core/analysis/analyzeRun';
import { scenarioHash } from '../core/run/engine';
import type { RunHeader, SessionRecord } from '../core/run/record';
import { readRunLog } from '../core/run/runLog';
import type { Scenario } from '../core/scenario/model';
import { parseScenario } from '../core/scenario/parse';
import { analyzeForEditor, type EditorAnalysisCache } from '../core/view/editorAnalysis';
import type { SavedResultsDecision } from '../core/view/repositoryResults';

/** The results the editor shows for one scenario file: its latest run, possibly still running. */
export interface ScenarioResults {
  uri: vscode.Uri;
  runId: string;
  logFile: string;
  records: SessionRecord[];
  analysis?: ScenarioAnalysis;
  running: boolean;
  /** Loaded from a saved run log in an untrusted workspace after the person opted in: labelled as from the repository. */
  fromRepository?: boolean;
}

/**
 * Whether saved run logs may be shown (see `savedResultsDecision`): asked on every load. `withheld` hears
 * of a scenario whose saved results were not shown, so the editor can offer them.
 */
export interface SavedResultsGate {
  decide(): SavedResultsDecision;
  withheld(uri: vscode.Uri, scenarioId: string): void;
}

const SHOW_ALL: SavedResultsGate = { decide: () => ({ show: true, fromRepository: false }), withheld: () => undefined };

interface Entry {
  results: ScenarioResults;
  scenario: Scenario;
  text: string;
  header: RunHeader;
  /** What re-analyses of this entry's unchanged text share (the prompt diffs). */
  cache: EditorAnalysisCache;
  timer?: ReturnType<typeof setTimeout>;
}

/** The hash and start time of a run log's header line, read without reading the sessions; undefined when unreadable. */
async function readHeader(file: string): Promise<{ scenarioHash: string; startedAt?: string } | undefined> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(file, 'r');
    const buf = Buffer.alloc(16 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const first = buf.subarray(0, bytesRead).toString('utf8').split('\n')[0] ?? '';
    const header = JSON.parse(first) as { kind?: unknown; scenarioHash?: unknown; startedAt?: unknown };
    if (header.kind !== 'run' || typeof header.scenarioHash !== 'string') return undefined;
    return { scenarioHash: header.scenarioHash, ...(typeof header.startedAt === 'string' ? { startedAt: header.startedAt } : {}) };
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/** How often, at most, results arriving during a run are re-analysed (and the editor refreshed). */
const REANALYSE_MS = 300;

/**
 * The results of each scenario file, keyed by URI: filled by the run controller as sessions end,
 * and from the newest matching run log when an unchanged scenario is re-opened.
 */
export class ResultsStore implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  /**
   * Bumped whenever a file's results are replaced or dropped. A load reads the disk and analyses for a
   * while; if a run began (and maybe already ended) or the file was forgotten meanwhile, what the load
   * read is older than what is shown, and it must not overwrite it.
   */
  private readonly generations = new Map<string, number>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange: vscode.Event<vscode.Uri> = this.emitter.event;

  /**
   * @param runDirOf where the run logs of a scenario file live (the CLI's `.dilemma/runs` under its workspace root).
   * @param gate whether saved run logs may be shown (Restricted Mode withholds them until the person opts in).
   */
  constructor(private readonly runDirOf: (file: string) => string, private readonly gate: SavedResultsGate = SHOW_ALL) {}

  get(uri: vscode.Uri): ScenarioResults | undefined {
    return this.entries.get(uri.toString())?.results;
  }

  /** Starts showing a run: its header and the sessions its log already holds (a resume keeps them). */
  begin(uri: vscode.Uri, scenario: Scenario, text: string, header: RunHeader, logFile: string, records: SessionRecord[]): void {
    this.clearTimer(uri);
    const entry: Entry = { scenario, text, header, cache: {}, results: { uri, runId: header.runId, logFile, records: [...records], running: true } };
    if (records.length > 0) entry.results.analysis = analyzeForEditor(scenario, text, header, records, logFile, entry.cache);
    this.entries.set(uri.toString(), entry);
    this.bump(uri);
    this.emitter.fire(uri);
  }

  /** A session ended: keep it and re-analyse soon (throttled, so a fast run does not re-analyse per session). */
  add(uri: vscode.Uri, record: SessionRecord): void {
    const entry = this.entries.get(uri.toString());
    if (!entry || record.runId !== entry.results.runId) return;
    entry.results.records.push(record);
    entry.timer ??= setTimeout(() => {
      entry.timer = undefined;
      this.reanalyse(entry);
    }, REANALYSE_MS);
  }

  /** The run ended (done, cancelled or stopped): analyse what it has and mark it not running. */
  finish(uri: vscode.Uri): ScenarioResults | undefined {
    const entry = this.entries.get(uri.toString());
    if (!entry) return undefined;
    this.clearTimer(uri);
    entry.results.running = false;
    this.reanalyse(entry);
    return entry.results;
  }

  /** Re-opens an unchanged scenario with its last results: the newest run log whose header scenarioHash matches the text (and that has sessions). */
  async load(uri: vscode.Uri, text: string): Promise<ScenarioResults | undefined> {
    const current = this.entries.get(uri.toString());
    if (current?.results.running) return current.results;
    const hash = scenarioHash(text);
    if (current && current.header.scenarioHash === hash) return current.results;
    const scenario = parseScenario(text).scenario;
    if (!scenario || uri.scheme !== 'file') return undefined;
    const generation = this.generations.get(uri.toString()) ?? 0;
    const dir = path.join(this.runDirOf(uri.fsPath), scenario.id);
    let names: string[];
    try {
      names = (await fs.promises.readdir(dir)).filter((n) => n.endsWith('.jsonl'));
    } catch {
      return undefined;
    }
    // Newest first by the header's start time (run ids carry only seconds; runs may start within one).
    const candidates = (await Promise.all(names.map(async (name) => ({ file: path.join(dir, name), header: await readHeader(path.join(dir, name)) }))))
      .filter((c) => c.header?.scenarioHash === hash)
      .sort((a, b) => (b.header!.startedAt ?? '').localeCompare(a.header!.startedAt ?? '') || b.file.localeCompare(a.file));
    if (candidates.length === 0) return undefined;
    // A repository can ship fabricated logs: untrusted, they wait for the person's opt-in.
    const decision = this.gate.decide();
    if (!decision.show) {
      this.gate.withheld(uri, scenario.id);
      return undefined;
    }
    for (const { file } of candidates) {
      let log;
      try {
        log = await readRunLog(file);
      } catch {
        continue;
      }
      // A run that ended before any session (an unreachable model) has no results to show.
      if (log.sessions.length === 0) continue;
      const entry: Entry = { scenario, text, header: log.header, cache: {}, results: { uri, runId: log.header.runId, logFile: file, records: log.sessions, running: false, ...(decision.fromRepository ? { fromRepository: true } : {}) } };
      entry.results.analysis = analyzeForEditor(scenario, text, log.header, log.sessions, file, entry.cache);
      // A run began (and may have ended) or the results were replaced while the log was read: they are newer.
      if ((this.generations.get(uri.toString()) ?? 0) !== generation) return this.get(uri);
      this.entries.set(uri.toString(), entry);
      this.bump(uri);
      this.emitter.fire(uri);
      return entry.results;
    }
    return undefined;
  }

  /** Forgets the results labelled as from the repository (the workspace became trusted: they load again as its own). */
  forgetFromRepository(): void {
    for (const e of [...this.entries.values()]) if (e.results.fromRepository) this.forget(e.results.uri);
  }

  /** Forgets a file's results (its text changed, so they no longer describe it). */
  forget(uri: vscode.Uri): void {
    const entry = this.entries.get(uri.toString());
    if (!entry || entry.results.running) return;
    this.clearTimer(uri);
    this.entries.delete(uri.toString());
    this.bump(uri);
    this.emitter.fire(uri);
  }

  /** The scenario text a file's results were computed from. */
  textOf(uri: vscode.Uri): string | undefined {
    return this.entries.get(uri.toString())?.text;
  }

  private reanalyse(entry: Entry): void {
    const r = entry.results;
    if (r.records.length > 0) r.analysis = analyzeForEditor(entry.scenario, entry.text, entry.header, r.records, r.logFile, entry.cache);
    this.emitter.fire(r.uri);
  }

  private bump(uri: vscode.Uri): void {
    this.generations.set(uri.toString(), (this.generations.get(uri.toString()) ?? 0) + 1);
  }

  private clearTimer(uri: vscode.Uri): void {
    const entry = this.entries.get(uri.toString());
    if (entry?.timer) clearTimeout(entry.timer);
    if (entry) entry.timer = undefined;
  }

  dispose(): void {
    for (const e of this.entries.values()) if (e.timer) clearTimeout(e.timer);
    this.entries.clear();
    this.emitter.dispose();
  }
}
