import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { startTestServer, type TestServer } from '../../support/openaiServer';
import { cliWorkspace } from '../../support/cliWorkspace';
import { repoPath } from '../../support/paths';

// Issue 11 §6: `--base-url http://user:PASS@host/v1` printed PASS in the error and in the JSON `reason`.
const PASS = 'Pa55-cli-s3cret';

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Every file below `dir` (run logs, cache, reports) whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (fs.readFileSync(p).includes(needle)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

describe('cli: a password in --base-url is printed nowhere (issue 11 §6)', function () {
  this.timeout(120_000);
  let server: TestServer;
  before(async () => { server = await startTestServer({ models: ['m1'], faults: { rate500: 1 } }); });
  after(async () => server.stop());

  it('not in stdout, stderr, the JSON reason, the run log or the cache, for an erroring server and a down one', async () => {
    const scenario = fs.readFileSync(repoPath('examples', 'school-records.dilemma.yaml'), 'utf8');
    const targets = [server.url, `http://127.0.0.1:${await closedPort()}/v1`].map((u) => u.replace('http://', `http://alice:${PASS}@`));
    for (const baseUrl of targets) {
      for (const format of ['text', 'json']) {
        const ws = cliWorkspace('dl-pass-', { 's.dilemma.yaml': scenario }, server.url);
        try {
          const r = await ws.run(['run', 's.dilemma.yaml', '--model', 'adhoc/m1', '--base-url', baseUrl, '--samples', '1', '--format', format]);
          // The run does not get through (exit 3, unreachable), and says why.
          assert.equal(r.code, 3, `${baseUrl} ${format}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
          assert.match(r.stdout + r.stderr, /could not reach|unreachable|could not be reached/);
          assert.match(r.stdout + r.stderr, /alice|\*\*\*@/, 'the redacted URL still says where');
          assert.ok(!r.stdout.includes(PASS), `stdout shows the password:\n${r.stdout}`);
          assert.ok(!r.stderr.includes(PASS), `stderr shows the password:\n${r.stderr}`);
          if (format === 'json') {
            const report = JSON.parse(r.stdout) as { runs: { reason?: string }[] };
            assert.ok(report.runs[0]?.reason, 'the JSON report gives a reason');
          }
          assert.ok(fs.existsSync(path.join(ws.dir, '.dilemma')), 'the run wrote nothing to check');
          assert.deepEqual(filesContaining(ws.dir, PASS), []);
        } finally {
          ws.dispose();
        }
      }
    }
  });
});
