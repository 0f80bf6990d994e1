import * as assert from 'node:assert/strict';
import { pickerItems } from '../../../src/core/view/modelPickerItems';
import { providerEntries } from '../../../src/core/view/providerEntries';
import { runErrorPlan, stoppedKind } from '../../../src/core/view/runErrorPlan';
import { VariantProgress } from '../../../src/core/view/variantProgress';

describe('provider entries from the dilemmaLens.providers setting', () => {
  it('keeps valid entries, defaults apiKeyRequired to true and trims the URL', () => {
    const r = providerEntries([{ id: 'local', baseUrl: 'http://127.0.0.1:8787/v1/', models: ['m'], apiKeyRequired: false }, { id: 'hosted', baseUrl: 'https://api.example.com/v1' }]);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.providers, [
      { id: 'local', baseUrl: 'http://127.0.0.1:8787/v1', models: ['m'], apiKeyRequired: false },
      { id: 'hosted', baseUrl: 'https://api.example.com/v1', apiKeyRequired: true },
    ]);
  });

  it('refuses keys in settings, bad URLs and ids, and duplicates, naming the entry', () => {
    const r = providerEntries([{ id: 'a', baseUrl: 'http://x/v1', apiKey: 'sk-secret' }, { id: 'b/c', baseUrl: 'http://x' }, { id: 'd', baseUrl: 'file:///etc' }, { id: 'e', baseUrl: 'http://x' }, { id: 'e', baseUrl: 'http://y' }]);
    assert.deepEqual(r.providers.map((p) => p.id), ['e']);
    assert.equal(r.problems.length, 4);
    assert.match(r.problems[0]!, /providers\[0\]\.apiKey: API keys are never read from settings/);
    assert.ok(!r.problems.join(' ').includes('sk-secret'));
    assert.match(providerEntries({}).problems[0]!, /must be a list/);
  });
});

describe('model picker items', () => {
  const providers = [
    { id: 'local', baseUrl: 'http://l/v1', models: ['a', 'b'], apiKeyRequired: false },
    { id: 'listed', baseUrl: 'http://x/v1', apiKeyRequired: false },
    { id: 'down', baseUrl: 'http://d/v1', apiKeyRequired: false },
  ];
  const items = pickerItems(providers, new Map<string, string[] | Error>([['listed', ['z']], ['down', new Error('connection refused')]]), [{ id: 'gpt', name: 'GPT', vendor: 'copilot' }], ['local/b']);

  it('lists configured models, models read from /v1/models, and VS Code\'s models marked as taking no system prompt', () => {
    assert.deepEqual(items.filter((i) => i.id).map((i) => i.id), ['local/a', 'local/b', 'listed/z', 'vscode-lm/gpt']);
    assert.match(items.find((i) => i.id === 'vscode-lm/gpt')!.description!, /no system prompt/);
    assert.deepEqual(items.filter((i) => i.picked).map((i) => i.id), ['local/b']);
  });

  it('says why a provider\'s models could not be listed', () => {
    assert.equal(items.find((i) => i.label.includes('down:'))?.detail, 'connection refused');
  });
});

describe('run errors and their fix buttons', () => {
  it('gives each failure the button that fixes it', () => {
    assert.deepEqual(runErrorPlan({ kind: 'missing-key', model: 'p/m', provider: 'p' }).fix, { kind: 'setApiKey', label: 'Set API key', provider: 'p' });
    assert.equal(runErrorPlan({ kind: 'unknown-provider', model: 'q/m', provider: 'q', known: ['p'] }).fix?.kind, 'openSettings');
    assert.deepEqual(runErrorPlan({ kind: 'invalid-scenario', message: 'bad', offset: 42, errors: 2 }).fix, { kind: 'showProblem', label: 'Show problem', offset: 42 });
    assert.equal(runErrorPlan({ kind: 'no-model' }).fix?.kind, 'pickModel');
    for (const [errorKind, fix] of [['network', 'openSettings'], ['not-found', 'openSettings'], ['auth', 'setApiKey']] as const)
      assert.equal(runErrorPlan({ kind: 'stopped', model: 'p/m', provider: 'p', errorKind, reason: 'r' }).fix?.kind, fix);
  });

  it('reads the kind of a stop from the engine\'s reason', () => {
    assert.equal(stoppedKind('p/m could not be reached (not-found): p/m: unknown model'), 'not-found');
    assert.equal(stoppedKind(undefined), undefined);
  });
});

describe('per-variant progress', () => {
  it('counts ended sessions per variant in plan order', () => {
    const p = new VariantProgress(['a', 'a', 'b']);
    p.add('a');
    assert.equal(p.text(), 'a 1/2 · b 0/1');
    assert.equal(p.sessions, 3);
  });
});
