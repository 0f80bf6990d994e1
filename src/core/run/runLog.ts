/**
 * The append-only run log: `.dilemma/runs/<scenario>/<run-id>.jsonl`, a `RunHeader` line then one
 * `SessionRecord` per ended session, each appended with a single write the moment the session ends,
 * so a killed process loses only the sessions in flight. The reader tolerates a torn last line
 * (the write a kill interrupted); any other unreadable line is an error naming its line.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_LOG_VERSION, type RunEnd, type RunHeader, type SessionRecord } from './record';

// `<runDir>/<scenario>/<runId>.jsonl`: the layout is owned by core/workspace/layout.ts.
export { runLogPath } from '../workspace/layout';

/** A sortable, unique run id such as `20261127-021503-3fa2c1`. */
export function newRunId(now: Date = new Date()): string {
  const iso = now.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${randomBytes(3).toString('hex')}`;
}

/** Run ids must be plain names: they become file names. */
export function isValidRunId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id) && !id.includes('..');
}

export class RunLogError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`);
    this.name = 'RunLogError';
  }
}

export interface RunLogContents {
  header: RunHeader;
  /** In file order. */
  sessions: SessionRecord[];
  /** How the run ended: the last end record when no session follows it (a resume continues a run); absent when killed or running. */
  end?: RunEnd;
  /** US dollars the run's calls cost: the sum of its end records' `costUsd` (a resume adds one); absent when none has one. */
  costUsd?: number;
  /** A partial last line was found and ignored. */
  torn: boolean;
  /** Byte length of the file up to and including the last complete line. */
  completeBytes: number;
}

/** Reads a run log. Throws `RunLogError` (with the line) on a missing header or a bad inner line. */
export async function readRunLog(file: string): Promise<RunLogContents> {
  let buf: Buffer;
  try {
    buf = await fs.promises.readFile(file);
  } catch (err) {
    throw new RunLogError(`cannot read the run log (${(err as NodeJS.ErrnoException).code ?? String(err)})`, file);
  }
  const lastNewline = buf.lastIndexOf(0x0a);
  const completeBytes = lastNewline + 1;
  const torn = completeBytes < buf.length;
  const lines = buf.subarray(0, completeBytes).toString('utf8').split('\n');
  lines.pop();
  let header: RunHeader | undefined;
  const sessions: SessionRecord[] = [];
  let end: RunEnd | undefined;
  let costUsd: number | undefined;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      throw new RunLogError('not a JSON line', file, i + 1);
    }
    const rec = obj as { kind?: unknown; v?: unknown };
    if (rec.v !== RUN_LOG_VERSION) throw new RunLogError(`unsupported run log version ${JSON.stringify(rec.v)}`, file, i + 1);
    if (rec.kind === 'run') {
      if (header) throw new RunLogError('a second run header', file, i + 1);
      header = obj as RunHeader;
    } else if (rec.kind === 'session') {
      if (!header) throw new RunLogError('a session before the run header', file, i + 1);
      sessions.push(obj as SessionRecord);
      end = undefined;
    } else if (rec.kind === 'end') {
      if (!header) throw new RunLogError('an end record before the run header', file, i + 1);
      end = obj as RunEnd;
      if (typeof end.costUsd === 'number') costUsd = (costUsd ?? 0) + end.costUsd;
    } else {
      throw new RunLogError(`unknown record kind ${JSON.stringify(rec.kind)}`, file, i + 1);
    }
  });
  if (!header) throw new RunLogError('no run header (the file is empty or was cut before its first line ended)', file, 1);
  return { header, sessions, torn, completeBytes, ...(end ? { end } : {}), ...(costUsd !== undefined ? { costUsd } : {}) };
}

/**
 * Appends records to a run log: one synchronous `write` of one whole line per ended session on an
 * append-mode descriptor. Synchronous on purpose: the line is in the kernel the moment the session
 * ends (a SIGKILL right after loses nothing), lines never interleave, and no queue of pending writes
 * can hold back the sessions behind it. It is the only sync file call per session on the hot path.
 */
export class RunLogWriter {
  private fd: number | undefined;

  private constructor(
    readonly file: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Creates a new log with its header. Fails if the file exists: a run id names one run. */
  static async create(file: string, header: RunHeader): Promise<RunLogWriter> {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const fd = fs.openSync(file, 'wx');
    fs.writeSync(fd, `${JSON.stringify(header)}\n`);
    return new RunLogWriter(file, fd);
  }

  /** Reopens an existing log for more records, first cutting a torn last line so the next record starts clean. */
  static async reopen(file: string, completeBytes: number): Promise<RunLogWriter> {
    const stat = await fs.promises.stat(file);
    if (stat.size > completeBytes) await fs.promises.truncate(file, completeBytes);
    return new RunLogWriter(file, fs.openSync(file, 'a'));
  }

  /** Appends one record; resolves once the line is written. */
  async append(record: SessionRecord | RunEnd): Promise<void> {
    if (this.fd === undefined) throw new Error(`${this.file}: the run log is closed`);
    const line = Buffer.from(`${JSON.stringify(record)}\n`);
    let off = 0;
    while (off < line.length) off += fs.writeSync(this.fd, line, off);
  }

  async close(): Promise<void> {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    fs.closeSync(fd);
  }
}
