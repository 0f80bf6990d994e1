import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoPath } from '../../support/paths';

const cli = repoPath('dist', 'cli.js');

function dilemma(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoPath(), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const LINE = /^(.+):(\d+):(\d+): (error|warning|info): (.+) \[([a-z-]+)\]$/;

describe('dilemma validate (dist/cli.js)', function () {
  this.timeout(60_000);

  before(() => {
    // The same CLI bundle esbuild.js makes, built alone so this test does not depend on the editor's entry point.
    const esbuild = require('esbuild') as typeof import('esbuild');
    esbuild.buildSync({ entryPoints: [repoPath('src', 'cli', 'main.ts')], outfile: cli, bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', banner: { js: '#!/usr/bin/env node' } });
  });

  it('exits 0 on the examples and prints the summary', () => {
    const r = dilemma('validate', 'examples/health-registry.dilemma.yaml', 'examples/contact-tracing.dilemma.yaml', 'examples/school-records.dilemma.yaml');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, '3 files checked: 0 errors, 0 warnings\n');
  });

  it('expands a directory to the scenario files in it', () => {
    const r = dilemma('validate', 'examples');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\d+ files checked: 0 errors, 0 warnings\n$/);
  });

  it('prints file:line:col: severity: message [code] at the positions the fixture expects, and exits 1', () => {
    const file = 'test/fixtures/invalid/undefined-placeholder-some-variants.dilemma.yaml';
    const expected = [...fs.readFileSync(repoPath(file), 'utf8').matchAll(/^# expect: ([a-z-]+) (\d+):(\d+)$/gm)].map((m) => [m[1], Number(m[2]), Number(m[3])]);
    const r = dilemma('validate', file);
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.at(-1), '1 file checked: 1 error, 0 warnings');
    const problems = lines.slice(0, -1).map((l) => {
      const m = LINE.exec(l);
      assert.ok(m, `not in file:line:col form: ${l}`);
      return m;
    });
    assert.deepEqual(problems.map((m) => [m[6], Number(m[2]), Number(m[3])]), expected);
    assert.equal(problems[0]![1], file);
    assert.equal(problems[0]![4], 'error');
  });

  it('exits 0 when there are only warnings', () => {
    const r = dilemma('validate', 'test/fixtures/invalid/unused-var.dilemma.yaml');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /unused-var\.dilemma\.yaml:6:3: warning: Var `extra` .* \[unused-var\]\n1 file checked: 0 errors, 1 warning\n$/);
  });

  it('writes a JSON array with 1-based positions for --format json, and the summary on stderr', () => {
    const file = 'test/fixtures/invalid/unknown-key-run.dilemma.yaml';
    const r = dilemma('validate', '--format', 'json', file, 'examples/health-registry.dilemma.yaml');
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.deepEqual(out, [{
      file, line: 26, column: 3, endLine: 26, endColumn: 9, severity: 'error', code: 'unknown-key',
      message: 'Unknown key `samles` in `run`. Did you mean `samples`?',
    }]);
    assert.match(r.stderr, /^2 files checked: 1 error, 0 warnings\n$/);
    assert.deepEqual(JSON.parse(dilemma('validate', '--format=json', 'examples').stdout), []);
  });

  it('exits 2 with a clear message for usage errors', () => {
    const unknownFlag = dilemma('validate', '--fromat', 'json', 'examples');
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.stderr, /unknown flag --fromat \(did you mean --format\?\)/);
    const noFiles = dilemma('validate');
    assert.equal(noFiles.code, 2);
    assert.match(noFiles.stderr, /no files given/);
    const badFormat = dilemma('validate', '--format', 'xml', 'examples');
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.stderr, /--format must be one of text, json; got "xml"/);
    const unknownCommand = dilemma('valdate', 'examples');
    assert.equal(unknownCommand.code, 2);
    assert.match(unknownCommand.stderr, /unknown command "valdate"/);
  });

  it('exits 2 for an unreadable file but still checks the others', () => {
    const r = dilemma('validate', 'no/such/file.dilemma.yaml', 'test/fixtures/invalid/scale-bounds.dilemma.yaml');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read no\/such\/file\.dilemma\.yaml: no such file/);
    assert.match(r.stdout, /scale-bounds\.dilemma\.yaml:14:27: error: .* \[scale-bounds\]/);
    assert.match(r.stdout, /1 file checked: 1 error, 0 warnings, 1 unreadable/);
  });

  it('takes files after -- even when they look like flags', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dilemma-cli-'));
    const odd = path.join(dir, '--odd.dilemma.yaml');
    fs.copyFileSync(repoPath('examples', 'school-records.dilemma.yaml'), odd);
    const r = spawnSync(process.execPath, [cli, 'validate', '--', '--odd.dilemma.yaml'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts columns as editors do: a byte-order mark is not a column', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dilemma-cli-'));
    const file = path.join(dir, 'bom.dilemma.yaml');
    fs.writeFileSync(file, `\uFEFF${fs.readFileSync(repoPath('test', 'fixtures', 'invalid', 'invalid-dilemma-id.dilemma.yaml'), 'utf8')}`);
    const r = dilemma('validate', file);
    assert.match(r.stdout, /bom\.dilemma\.yaml:3:10: error: .*\[invalid-name\]/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints the real line:col of a problem inside an error-recovered token (issue 11 §5 repro)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dilemma-cli-'));
    const text = '\t      {{operator}} o\n        which it keeps for {{retention}}, or only send exposure alerts. Mandatory: {{mandatory}}.';
    fs.writeFileSync(path.join(dir, 't.dilemma.yaml'), text);
    const r = spawnSync(process.execPath, [cli, 'validate', 't.dilemma.yaml'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    // The parser's "at node end" error sits at the final '.', offset text.length - 1: line 2 (line 1 is
    // 21 characters and a LF), column text.length - 1 - 22 + 1 = 97. The old LineCounter printed 1:119.
    assert.equal(text.length - 1 - 22 + 1, 97);
    assert.match(r.stdout, /^t\.dilemma\.yaml:2:97: error: YAML syntax: Unexpected scalar at node end \[yaml-syntax\]$/m);
    for (const m of r.stdout.matchAll(/^t\.dilemma\.yaml:(\d+):(\d+):/gm)) {
      const lines = text.split('\n');
      assert.ok(Number(m[1]) <= lines.length && Number(m[2]) <= lines[Number(m[1]) - 1]!.length + 1, `outside the file: ${m[0]}`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints help and the version', () => {
    const help = dilemma('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /usage: dilemma <command>/);
    assert.match(help.stdout, /\n {2}validate {2}/);
    const cmdHelp = dilemma('validate', '--help');
    assert.equal(cmdHelp.code, 0);
    assert.match(cmdHelp.stdout, /--format <text\|json>/);
    const version = dilemma('--version');
    assert.equal(version.code, 0);
    const pkg = JSON.parse(fs.readFileSync(repoPath('package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout, `${pkg.version}\n`);
  });
});
