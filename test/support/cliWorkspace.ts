/**
 * A temporary workspace for spawning the built CLI against the test server: scenario files copied in,
 * a providers file naming the server as provider `lab` (with structured output), and `run(args)` that
 * spawns `dist/cli.js` there with only PATH, HOME and that config in its environment.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoPath, repoRoot } from './paths';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliWorkspace {
  dir: string;
  run(args: readonly string[]): Promise<CliResult>;
  dispose(): void;
}

/** Builds the CLI if it is missing, makes the folder, writes `files` (name -> text) and the providers file. */
export function cliWorkspace(prefix: string, files: Record<string, string>, serverUrl: string): CliWorkspace {
  const cli = repoPath('dist', 'cli.js');
  if (!fs.existsSync(cli) && spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  fs.writeFileSync(path.join(dir, 'providers.json'), JSON.stringify({ providers: { lab: { baseUrl: serverUrl, structuredOutput: true } } }));
  return {
    dir,
    run(args) {
      const env = { PATH: process.env.PATH, HOME: dir, DILEMMA_CONFIG: path.join(dir, 'providers.json'), DILEMMA_RETRY_BASE_MS: '5' };
      const child = spawn(process.execPath, [cli, ...args], { cwd: dir, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
    },
    dispose() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
