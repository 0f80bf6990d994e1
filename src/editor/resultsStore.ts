import * as vscode from 'vscode';
import { familyNames } from '../core/scenario/families';
import type { ScenarioAnalysis } from '../core/analysis/analyzeRun';
import { scenarioHash } from '../core/run/engine';
import type { RunHeader, SessionRecord } from '../core/run/record';
import type { Scenario } from '../core/scenario/model';
import { parseScenario } from '../core/scenario/parse';
import { analyzeLogsForEditor, type EditorAnalysisCache } from '../core/view/editorAnalysis';
import { buildResultSet, labelsOf, setLabel, shortTime, withCoverage, incompleteReason, type ResultSet } from '../core/workspace/resultSet';
import { runInfo, RunStore, type LoadedRun, type RunInfo } from '../core/workspace/runStore';
import type { SavedResultsDecision } from '../core/view/repositoryResults';

/**
 * The results the editor shows for one scenario file: per variant and model the newest run that has
 * answered sessions there (the run in progress included), merged, with where each figure came from.
 */
export interface ScenarioResults {
  uri: vscode.Uri;
  /** The run in progress or just ended, else the latest full run shown. */
  runId: string;
  logFile: string;
  /** The sessions behind the figures (of every run the set draws on). */
  records: SessionRecord[];
  /** The analysis of the merged set; asserts of a model whose results are partial or missing a variant are not measured. */
  analysis?: ScenarioAnalysis;
  running: boolean;
  set: ResultSet;
  /** The set's label for the summary ("partial 7/24 · from 2 runs"), undefined for one whole run. */
  label?: string;
  /** A figure's label for a model and variant (partial, or the model and time of an older run). */
  labelOf: (model: string, variant: string) => string | undefined;
  /** Why a model's variant is not fully measured (for the Testing view), undefined when it is. */
  incomplete: (model: string, variant: string) => string | undefined;
  /** Runs newer than every figure shown that added none (failed, zero sessions): listed, never shown. */
  skipped: RunInfo[];
  /** Loaded from a saved run log in an untrusted workspace after the person opted in: labelled as from the repository. */
  fromRepository?: boolean;
  /** The one run shown, picked in the Runs view ("Show on the Lines"), instead of the merged newest results. */
  pinned?: RunInfo;
}

/** The run in progress (or just ended) of an entry, as the store received it. */
interface Live {
  header: RunHeader;
  logFile: string;
  records: SessionRecord[];
  /** Its status as read back from the log once it ended (with the end record). */
  info?: RunInfo;
}

/**
 * Whether saved run logs may be shown (see `savedResultsDecision`): asked on every load. `withheld` hears
 * of a scenario whose saved results were not shown, so the editor can offer them.
 */
export interface SavedResultsGate {
  decide(): SavedResultsDecision;
  withheld(uri: vscode.Uri, scenarioId: string): void;
}

/** Why a model's variant is not fully measured in a set (for the Testing view), undefined when it is. */
function incompleteOf(set: ResultSet): (model: string, variant: string) => string | undefined {
  return (model, variant) => {
    const cell = set.cells.find((c) => c.model === model && c.variant === variant);
    return cell ? (cell.partial ? `partial ${cell.done}/${cell.planned} sessions` : undefined) : incompleteReason(set, model, [variant]);
  };
}

/** The run in progress (or just ended) as a loaded run. */
function liveRun(live: Live): LoadedRun {
  return { header: live.header, sessions: live.records, info: live.info ?? runInfo(live.logFile, live.header, live.records) };
}

const SHOW_ALL: SavedResultsGate = { decide: () => ({ show: true, fromRepository: false }), withheld: () => undefined };

interface Entry {
  uri: vscode.Uri;
  scenario: Scenario;
  text: string;
  hash: string;
  /** The runs of this text on disk, except the live one. */
  disk: LoadedRun[];
  live?: Live;
  running: boolean;
  results?: ScenarioResults;
  /** Saved logs shown in an untrusted workspace after the opt-in. */
  fromRepository?: boolean;
  /** What re-analyses of this entry's unchanged text share (the prompt diffs). */
  cache: EditorAnalysisCache;
  /** The run picked in the Runs view: only its results are shown until another run begins or the pin is cleared. */
  pinned?: LoadedRun;
  timer?: ReturnType<typeof setTimeout>;
}

/** How often, at most, results arriving during a run are re-analysed (and the editor refreshed). */
const REANALYSE_MS = 300;

/**
 * The results of each scenario file, keyed by URI: read from the run store (`core/workspace`) when an
 * unchanged scenario is opened, and merged with the run in progress as its sessions end. A run that
 * adds no answered session (failed, zero sessions) never replaces what is shown.
 */
export class ResultsStore implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly stores = new Map<string, RunStore>();
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

  /** The run store of a scenario file's run folder. */
  storeOf(file: string): RunStore {
    const dir = this.runDirOf(file);
    let s = this.stores.get(dir);
    if (!s) this.stores.set(dir, (s = new RunStore(dir)));
    return s;
  }

  /** Starts showing a run: its header and the sessions its log already holds (a resume keeps them), merged with the file's other results. */
  begin(uri: vscode.Uri, scenario: Scenario, text: string, header: RunHeader, logFile: string, records: SessionRecord[]): void {
    this.clearTimer(uri);
    const current = this.entries.get(uri.toString());
    const hash = scenarioHash(text);
    const same = current && current.hash === hash;
    // The run received live before this one is on disk now: it stays among the runs the set draws on.
    const previous: LoadedRun[] = same && current.live && current.live.header.runId !== header.runId ? [liveRun(current.live)] : [];
    const entry: Entry = { uri, scenario, text, hash, disk: same ? [...current.disk.filter((r) => r.info.runId !== header.runId), ...previous] : [], live: { header, logFile, records: [...records] }, running: true, cache: same ? current.cache : {} };
    this.entries.set(uri.toString(), entry);
    this.bump(uri);
    this.compute(entry);
    // The other runs of this text, when they were not loaded yet: read them, then show them with the live run.
    if (!same && uri.scheme === 'file') void this.readDisk(entry);
  }

  /** A session ended: keep it and re-analyse soon (throttled, so a fast run does not re-analyse per session). */
  add(uri: vscode.Uri, record: SessionRecord): void {
    const entry = this.entries.get(uri.toString());
    if (!entry?.live || record.runId !== entry.live.header.runId) return;
    entry.live.records.push(record);
    entry.timer ??= setTimeout(() => {
      entry.timer = undefined;
      this.compute(entry);
    }, REANALYSE_MS);
  }

  /** The run ended (done, cancelled or stopped): re-read its log (with how it ended), merge, and mark it not running. */
  async finish(uri: vscode.Uri): Promise<ScenarioResults | undefined> {
    const entry = this.entries.get(uri.toString());
    if (!entry) return undefined;
    this.clearTimer(uri);
    entry.running = false;
    const live = entry.live;
    if (live) {
      const read = await this.storeOf(uri.fsPath).read(live.logFile, entry.scenario.id);
      if (read.info.status !== 'unreadable' && read.header.runId === live.header.runId && this.entries.get(uri.toString()) === entry) {
        live.records = read.sessions;
        live.info = read.info;
      }
    }
    this.compute(entry);
    return entry.results;
  }

  /** Re-opens an unchanged scenario with its results: per variant and model the newest run of this text (by the header's hash) with sessions there. */
  async load(uri: vscode.Uri, text: string): Promise<ScenarioResults | undefined> {
    const current = this.entries.get(uri.toString());
    if (current?.running) return current.results;
    const hash = scenarioHash(text);
    if (current && current.hash === hash) return current.results;
    const scenario = parseScenario(text).scenario;
    if (!scenario || uri.scheme !== 'file') return undefined;
    const generation = this.generations.get(uri.toString()) ?? 0;
    const disk = await this.runsOf(uri.fsPath, scenario.id, hash);
    // A run began (and may have ended) or the results were replaced while the logs were read: they are newer.
    if ((this.generations.get(uri.toString()) ?? 0) !== generation) return this.get(uri);
    if (!disk.some((r) => r.sessions.length > 0)) return undefined;
    // A repository can ship fabricated logs: untrusted, they wait for the person's opt-in.
    const decision = this.gate.decide();
    if (!decision.show) {
      this.gate.withheld(uri, scenario.id);
      return undefined;
    }
    const entry: Entry = { uri, scenario, text, hash, disk, running: false, cache: {}, ...(decision.fromRepository ? { fromRepository: true } : {}) };
    this.entries.set(uri.toString(), entry);
    this.bump(uri);
    this.compute(entry);
    return entry.results;
  }

  /**
   * Shows one saved run's results on the lines instead of the merged newest ones (the Runs view's
   * "Show on the Lines"). Refused (undefined) while the file runs, for a run with no answered session,
   * or where saved results are withheld (Restricted Mode before the opt-in). A run made with another
   * text of the scenario is read with the current text, and its label says so.
   */
  async showRun(uri: vscode.Uri, text: string, logFile: string): Promise<ScenarioResults | undefined> {
    const current = this.entries.get(uri.toString());
    if (current?.running) return undefined;
    const scenario = parseScenario(text).scenario;
    if (!scenario || uri.scheme !== 'file') return undefined;
    const run = await this.storeOf(uri.fsPath).read(logFile, scenario.id);
    if (run.info.status === 'unreadable' || run.info.complete === 0) return undefined;
    const decision = this.gate.decide();
    if (!decision.show) {
      this.gate.withheld(uri, scenario.id);
      return undefined;
    }
    const hash = scenarioHash(text);
    const same = current && current.hash === hash;
    // Read again: the entry's own list leaves out the runs it received live.
    const disk = await this.runsOf(uri.fsPath, scenario.id, hash);
    if (this.entries.get(uri.toString())?.running) return this.get(uri);
    const entry: Entry = { uri, scenario, text, hash, disk, running: false, cache: same ? current.cache : {}, pinned: run, ...(decision.fromRepository ? { fromRepository: true } : {}) };
    this.entries.set(uri.toString(), entry);
    this.bump(uri);
    this.compute(entry);
    return entry.results;
  }

  /** Back from a picked run to the merged newest results. */
  unpin(uri: vscode.Uri): void {
    const entry = this.entries.get(uri.toString());
    if (!entry?.pinned) return;
    entry.pinned = undefined;
    this.bump(uri);
    this.compute(entry);
  }

  /** A run log was deleted: it leaves every result set (and the pin, if it was the picked run). */
  removed(logFile: string): void {
    for (const entry of this.entries.values()) {
      const before = entry.disk.length;
      entry.disk = entry.disk.filter((r) => r.info.file !== logFile);
      const unpinned = entry.pinned?.info.file === logFile;
      if (unpinned) entry.pinned = undefined;
      if (before !== entry.disk.length || unpinned) {
        this.bump(entry.uri);
        this.compute(entry);
      }
    }
  }

  /** Forgets the results labelled as from the repository (the workspace became trusted: they load again as its own). */
  forgetFromRepository(): void {
    for (const e of [...this.entries.values()]) if (e.fromRepository) this.forget(e.uri);
  }

  /** Forgets a file's results (its text changed, so they no longer describe it). */
  forget(uri: vscode.Uri): void {
    const entry = this.entries.get(uri.toString());
    if (!entry || entry.running) return;
    this.clearTimer(uri);
    this.entries.delete(uri.toString());
    this.bump(uri);
    this.emitter.fire(uri);
  }

  /** The scenario text a file's results were computed from. */
  textOf(uri: vscode.Uri): string | undefined {
    return this.entries.get(uri.toString())?.text;
  }

  /** The runs of a scenario text on disk, newest first (logs of other texts describe another scenario). */
  private async runsOf(file: string, scenario: string, hash: string): Promise<LoadedRun[]> {
    return (await this.storeOf(file).load(scenario)).filter((r) => r.info.scenarioHash === hash);
  }

  private async readDisk(entry: Entry): Promise<void> {
    const disk = await this.runsOf(entry.uri.fsPath, entry.scenario.id, entry.hash);
    if (this.entries.get(entry.uri.toString()) !== entry) return;
    entry.disk = disk.filter((r) => r.info.runId !== entry.live?.header.runId);
    this.compute(entry);
  }

  /** The merged result set of an entry, its analysis and labels; fires a change. */
  private compute(entry: Entry): void {
    if (entry.pinned && !entry.running) return this.computePinned(entry, entry.pinned);
    entry.pinned = undefined;
    const runs = entry.disk.filter((r) => r.info.runId !== entry.live?.header.runId);
    if (entry.live) runs.push(liveRun(entry.live));
    // Generated family members (`perturb`) are cells of their own, analysed with their authored variant.
    const variants = familyNames(entry.scenario);
    const set = buildResultSet(runs, variants);
    const records = set.logs.flatMap((l) => l.sessions);
    const analysis = records.length > 0 ? withCoverage(analyzeLogsForEditor(entry.scenario, entry.text, set.logs, entry.cache), set, variants) : undefined;
    const label = setLabel(set);
    entry.results = {
      uri: entry.uri,
      runId: entry.live?.header.runId ?? set.latest?.runId ?? '',
      logFile: entry.live?.logFile ?? set.latest?.file ?? '',
      records,
      ...(analysis ? { analysis } : {}),
      running: entry.running,
      set,
      ...(label ? { label } : {}),
      labelOf: labelsOf(set),
      incomplete: incompleteOf(set),
      skipped: set.skipped,
      ...(entry.fromRepository ? { fromRepository: true } : {}),
    };
    this.emitter.fire(entry.uri);
  }

  /** The results of the picked run alone, labelled with its time (and with its other text, if it ran with one). */
  private computePinned(entry: Entry, run: LoadedRun): void {
    const variants = familyNames(entry.scenario);
    const set = buildResultSet([run], variants);
    const records = set.logs.flatMap((l) => l.sessions);
    const analysis = records.length > 0 ? withCoverage(analyzeLogsForEditor(entry.scenario, entry.text, set.logs, entry.cache), set, variants) : undefined;
    const partial = setLabel(set);
    const label = [`run ${shortTime(run.info.startedAt)} (picked)`, ...(run.info.scenarioHash !== entry.hash ? ['another text of the scenario'] : []), ...(partial ? [partial] : [])].join(' · ');
    entry.results = {
      uri: entry.uri, runId: run.info.runId, logFile: run.info.file, records, ...(analysis ? { analysis } : {}), running: false, set, label,
      labelOf: labelsOf(set),
      incomplete: incompleteOf(set),
      skipped: [], pinned: run.info,
      ...(entry.fromRepository ? { fromRepository: true } : {}),
    };
    this.emitter.fire(entry.uri);
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
