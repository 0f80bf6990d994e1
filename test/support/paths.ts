import * as path from 'path';

/** The repository root. Tests always run from it (scripts/test.mjs, mocha-run), wherever they were compiled to. */
export const repoRoot = process.cwd();

/** A path inside the repository. */
export function repoPath(...parts: string[]): string {
  return path.join(repoRoot, ...parts);
}
