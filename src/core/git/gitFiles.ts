/**
 * Reading a file's committed versions through the `git` command line: the text at a ref, and the
 * version whose sha256 is a run header's `scenarioHash`. Used to pick a comparison's baseline at a git
 * ref and to read a baseline run with the scenario text it ran with. Arguments go to `git` as an
 * argument list (no shell), and a ref is checked with `rev-parse --verify` before it is used.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A git problem a person can act on: not a repository, an unknown ref, a file missing at a ref. */
export class GitError extends Error {
  override readonly name: string = 'GitError';
}

/** The file did not exist at the ref (a scenario added since): there is no baseline, which is not a mistake. */
export class MissingAtRefError extends GitError {
  override readonly name = 'MissingAtRefError';
}

function git(cwd: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('git', args as string[], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 127) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The repository holding `file` and the file's path inside it (with `/`), or undefined outside a repository (or without git). */
export async function gitLocate(file: string): Promise<{ top: string; rel: string } | undefined> {
  const abs = fs.realpathSync(path.resolve(file));
  const r = await git(path.dirname(abs), ['rev-parse', '--show-toplevel']);
  if (r.code !== 0) return undefined;
  const top = fs.realpathSync(r.stdout.trim());
  return { top, rel: path.relative(top, abs).split(path.sep).join('/') };
}

/** sha256 of a text, as run headers record the scenario. */
export const textHash = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/**
 * The text of `file` as committed at `ref`, with the commit the ref names. Throws GitError when the
 * file is not in a git repository, the ref is unknown, or the file did not exist at that ref.
 */
export async function fileAtRef(file: string, ref: string): Promise<{ text: string; commit: string }> {
  const where = await gitLocate(file);
  if (!where) throw new GitError(`${file} is not in a git repository (or git is not installed), so there is no ref ${JSON.stringify(ref)} to read it at`);
  if (ref.startsWith('-')) throw new GitError(`unknown git ref ${JSON.stringify(ref)}`);
  const rev = await git(where.top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (rev.code !== 0) throw new GitError(`unknown git ref ${JSON.stringify(ref)} in ${where.top}`);
  const commit = rev.stdout.trim();
  const show = await git(where.top, ['cat-file', 'blob', `${commit}:${where.rel}`]);
  if (show.code !== 0) throw new MissingAtRefError(`${where.rel} does not exist at ${ref} (${commit.slice(0, 12)})`);
  return { text: show.stdout, commit };
}

/**
 * The newest committed version of `file` whose sha256 is `hash`, searching the last `maxCommits`
 * commits that touched it (one `git cat-file --batch` for all of them). Undefined when none matches
 * or the file is not in a repository.
 */
export async function findVersion(file: string, hash: string, maxCommits = 500): Promise<{ text: string; commit: string } | undefined> {
  const where = await gitLocate(file);
  if (!where) return undefined;
  const log = await git(where.top, ['log', `-n${maxCommits}`, '--format=%H', '--', where.rel]);
  const commits = log.code === 0 ? log.stdout.split('\n').filter(Boolean) : [];
  if (commits.length === 0) return undefined;
  const blobs = await catFileBatch(where.top, commits.map((c) => `${c}:${where.rel}`));
  for (let i = 0; i < commits.length; i++) {
    const blob = blobs[i];
    if (blob && textHash(blob) === hash) return { text: blob.toString('utf8'), commit: commits[i]! };
  }
  return undefined;
}

/** `git cat-file --batch`: the contents of each object name, or undefined where it is missing. */
function catFileBatch(cwd: string, names: readonly string[]): Promise<(Buffer | undefined)[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', () => {
      const buf = Buffer.concat(chunks);
      const out: (Buffer | undefined)[] = [];
      let at = 0;
      for (let i = 0; i < names.length && at < buf.length; i++) {
        const nl = buf.indexOf(0x0a, at);
        const head = buf.subarray(at, nl).toString('utf8').split(' ');
        at = nl + 1;
        if (head[1] === 'missing' || head[1] === 'ambiguous' || head.length < 3) {
          out.push(undefined);
          continue;
        }
        const size = Number(head[2]);
        out.push(head[1] === 'blob' ? buf.subarray(at, at + size) : undefined);
        at += size + 1;
      }
      resolve(out);
    });
    child.stdin.end(`${names.join('\n')}\n`);
  });
}
