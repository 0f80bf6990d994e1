import * as assert from 'node:assert/strict';
import { parseArgv, UsageError, type FlagSpec } from '../../../src/cli/argv';

const specs: FlagSpec[] = [
  { name: 'format', kind: 'string', choices: ['text', 'json'], description: 'output format' },
  { name: 'model', kind: 'string', multiple: true, short: 'm', description: 'a model' },
  { name: 'out', kind: 'string', description: 'output file' },
  { name: 'dry-run', kind: 'boolean', description: 'do nothing' },
  { name: 'help', kind: 'boolean', short: 'h', description: 'help' },
];

describe('parseArgv', () => {
  it('reads values in both forms, booleans, short aliases and repeated flags in order', () => {
    const a = parseArgv(['a.yaml', '--format', 'json', '-m', 'x/1', '--model=y/2', '--dry-run', 'b.yaml', '-h', '--out=-'], specs);
    assert.deepEqual(a.positionals, ['a.yaml', 'b.yaml']);
    assert.equal(a.string('format'), 'json');
    assert.deepEqual(a.list('model'), ['x/1', 'y/2']);
    assert.equal(a.string('model'), 'y/2');
    assert.equal(a.bool('dry-run'), true);
    assert.equal(a.bool('help'), true);
    assert.equal(a.string('out'), '-');
  });

  it('gives defaults for flags that were not given', () => {
    const a = parseArgv([], specs);
    assert.equal(a.string('format'), undefined);
    assert.deepEqual(a.list('model'), []);
    assert.equal(a.bool('dry-run'), false);
  });

  it('takes everything after -- as positional', () => {
    const a = parseArgv(['--dry-run', '--', '--format', '-x'], specs);
    assert.deepEqual(a.positionals, ['--format', '-x']);
    assert.equal(a.string('format'), undefined);
  });

  it('accepts =true / =false on booleans and rejects other values', () => {
    assert.equal(parseArgv(['--dry-run=false'], specs).bool('dry-run'), false);
    assert.throws(() => parseArgv(['--dry-run=maybe'], specs), /--dry-run takes no value, or =true \/ =false; got "maybe"/);
  });

  it('rejects unknown flags, naming a close one', () => {
    assert.throws(() => parseArgv(['--fromat', 'json'], specs), (e: unknown) => e instanceof UsageError && /unknown flag --fromat \(did you mean --format\?\)/.test(e.message));
    assert.throws(() => parseArgv(['--zzz'], specs), /^UsageError: unknown flag --zzz$/);
    assert.throws(() => parseArgv(['-q'], specs), /unknown flag -q/);
  });

  it('rejects a missing value, a value outside the choices and a repeated single flag', () => {
    assert.throws(() => parseArgv(['--format'], specs), /--format needs a value/);
    assert.throws(() => parseArgv(['--out', '--dry-run'], specs), /--out needs a value/);
    assert.throws(() => parseArgv(['--format', 'xml'], specs), /--format must be one of text, json; got "xml"/);
    assert.throws(() => parseArgv(['--out', 'a', '--out', 'b'], specs), /--out was given more than once/);
  });

  it('refuses to read a flag the command did not declare (a programming error, not a usage error)', () => {
    const a = parseArgv([], specs);
    assert.throws(() => a.bool('format'), (e: unknown) => e instanceof Error && !(e instanceof UsageError));
    assert.throws(() => a.string('nope'));
  });
});
