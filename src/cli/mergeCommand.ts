/**
 * `dilemma merge <logs...> [--out FILE]`: joins the logs of `dilemma run --shard I/N` into one run
 * log that `dilemma analyze` (and the editor) read as one run. Exit 0 merged and complete, 1 a problem
 * found (a shard missing or given twice, a session in two logs, a shard not finished: reported, the
 * merged log still written without its end record), 2 bad input (unreadable, not a shard log, another
 * scenario or plan: nothing written).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mergedLogText, mergeShardLogs, MergeInputError, type MergeInput } from '../core/run/merge';
import { newRunId, readRunLog, RunLogError } from '../core/run/runLog';
import { flagHelp, parseArgv, UsageError, type CliCommand, type CliIo, type FlagSpec } from './argv';

const flags: readonly FlagSpec[] = [
  { name: 'out', short: 'o', kind: 'string', description: 'write the merged log to FILE (default: a new run id beside the first log, where the run store and the editor find it)' },
  { name: 'help', short: 'h', kind: 'boolean', description: 'show this help' },
];

export const mergeCommand: CliCommand = {
  summary: 'join the run logs of the shards of one run (run --shard I/N) into one run log',
  usage: `usage: dilemma merge <shard.jsonl...> [--out FILE]\n\n${flagHelp(flags)}\n\nExit code: 0 merged, every shard and session present; 1 a problem found (a missing or repeated shard, a session in two logs,\nan unfinished shard: reported, and the merged log is written without its end record); 2 usage error or bad input\n(unreadable log, not a shard log, another scenario, scenario text or plan: nothing written).`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseArgv(args, flags);
    if (parsed.bool('help')) {
      io.stdout(`${mergeCommand.usage}\n`);
      return 0;
    }
    if (parsed.positionals.length === 0) throw new UsageError('no run logs given: dilemma merge <shard.jsonl...>');
    const inputs: MergeInput[] = [];
    for (const file of parsed.positionals) {
      try {
        inputs.push({ file, log: await readRunLog(path.resolve(io.cwd, file)) });
      } catch (e) {
        const msg = e instanceof RunLogError ? e.message.replace(path.resolve(io.cwd, file), file) : `${file}: ${(e as Error).message}`;
        io.stderr(`dilemma merge: ${msg}\n`);
        return 2;
      }
    }
    const runId = newRunId();
    const outArg = parsed.string('out');
    const out = outArg !== undefined ? path.resolve(io.cwd, outArg) : path.join(path.dirname(path.resolve(io.cwd, inputs[0]!.file)), `${runId}.jsonl`);
    if (parsed.positionals.some((f) => path.resolve(io.cwd, f) === out)) {
      io.stderr(`dilemma merge: --out ${outArg ?? out} is one of the logs being merged; write the merged log elsewhere\n`);
      return 2;
    }
    let merged;
    try {
      merged = mergeShardLogs(inputs, runId);
    } catch (e) {
      if (!(e instanceof MergeInputError)) throw e;
      io.stderr(`dilemma merge: ${e.message}\n`);
      return 2;
    }
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, mergedLogText(merged));
    fs.renameSync(tmp, out);
    for (const p of merged.problems) io.stderr(`dilemma merge: ${p}\n`);
    const shown = path.relative(io.cwd, out) || out;
    const state = merged.end ? 'complete' : 'incomplete (no end record; dilemma analyze reads it as a partial run)';
    io.stdout(`${merged.header.scenario}: merged ${inputs.length} log(s), shards ${merged.found.join(', ')} of ${merged.count}: ${merged.sessions.length} sessions, ${state}\nRun log: ${shown}\n`);
    return merged.problems.length > 0 ? 1 : 0;
  },
};
