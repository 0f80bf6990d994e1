import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelError } from '../../../src/core/models/chatModel';
import { listModels } from '../../../src/core/models/listModels';
import {
  defaultKeyEnv,
  loadProvidersConfig,
  parseModelId,
  providersConfigPath,
  resolveModel,
  resolveProvider,
} from '../../../src/core/models/providers';
import type { TestServer } from '../../support/openaiServer';
import { startTestServer } from '../../support/openaiServer';

const KEY = 'sk-provider-SECRET-abcdef012345';

describe('provider/model ids', () => {
  it('splits at the first slash, so model names may contain slashes', () => {
    assert.deepEqual(parseModelId('openai/gpt-4o-mini'), { provider: 'openai', model: 'gpt-4o-mini' });
    assert.deepEqual(parseModelId('vllm/meta-llama/Llama-3.1-8B'), { provider: 'vllm', model: 'meta-llama/Llama-3.1-8B' });
  });
  it('explains the form when the provider is missing', () => {
    assert.throws(() => parseModelId('gpt-4o'), /must be written provider\/model, e\.g\. openai\/gpt-4o/);
    assert.throws(() => parseModelId('openai/'), /provider\/model/);
    assert.throws(() => parseModelId('/x'), /provider\/model/);
  });
});

describe('the providers config file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-providers-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is looked for under DILEMMA_CONFIG, else XDG_CONFIG_HOME, else ~/.config', () => {
    assert.equal(providersConfigPath({ DILEMMA_CONFIG: '/x/p.json', XDG_CONFIG_HOME: '/xdg', HOME: '/h' }), '/x/p.json');
    assert.equal(providersConfigPath({ XDG_CONFIG_HOME: '/xdg', HOME: '/h' }), path.join('/xdg', 'dilemma-lens', 'providers.json'));
    assert.equal(providersConfigPath({ HOME: '/h' }), path.join('/h', '.config', 'dilemma-lens', 'providers.json'));
  });

  it('is empty when the default file does not exist', () => {
    assert.deepEqual(loadProvidersConfig({ XDG_CONFIG_HOME: dir }), { providers: {} });
  });

  it('is an error when DILEMMA_CONFIG names a missing file', () => {
    const file = path.join(dir, 'missing.json');
    assert.throws(() => loadProvidersConfig({ DILEMMA_CONFIG: file }), (e: Error) => e.message.startsWith(file) && /ENOENT/.test(e.message));
  });

  it('loads custom providers from the XDG location', () => {
    fs.mkdirSync(path.join(dir, 'dilemma-lens'));
    const file = path.join(dir, 'dilemma-lens', 'providers.json');
    fs.writeFileSync(file, JSON.stringify({ providers: { vllm: { baseUrl: 'http://gpu:8000/v1', apiKeyEnv: 'VLLM_TOKEN', headers: { 'x-route': 'a' } } } }));
    const config = loadProvidersConfig({ XDG_CONFIG_HOME: dir });
    assert.equal(config.source, file);
    assert.deepEqual(config.providers.vllm, { baseUrl: 'http://gpu:8000/v1', apiKeyEnv: 'VLLM_TOKEN', headers: { 'x-route': 'a' } });
  });

  const rejects = (content: string, pattern: RegExp): void => {
    const file = path.join(dir, 'p.json');
    fs.writeFileSync(file, content);
    assert.throws(() => loadProvidersConfig({ DILEMMA_CONFIG: file }), (e: Error) => e.message.startsWith(`${file}: `) && pattern.test(e.message));
  };
  it('refuses a key written in the file, pointing at apiKeyEnv', () => {
    rejects(JSON.stringify({ providers: { x: { baseUrl: 'http://h/v1', apiKey: 'sk-1' } } }), /providers\.x\.apiKey: API keys are never read from a file.*apiKeyEnv/);
    rejects(JSON.stringify({ providers: { x: { headers: { Authorization: 'Bearer sk-1' } } } }), /providers\.x\.headers\.Authorization: credentials/);
  });
  it('names the exact bad entry', () => {
    rejects('{ "providers": ', /not valid JSON/);
    rejects(JSON.stringify({ provider: {} }), /unknown top-level key "provider"/);
    rejects(JSON.stringify({ providers: { x: { baseURL: 'http://h/v1' } } }), /providers\.x\.baseURL: unknown setting/);
    rejects(JSON.stringify({ providers: { x: { baseUrl: 'ftp://h' } } }), /providers\.x\.baseUrl: expected an http\(s\) URL/);
    rejects(JSON.stringify({ providers: { x: { apiKeyEnv: 'not a name' } } }), /providers\.x\.apiKeyEnv: expected an environment variable name/);
    rejects(JSON.stringify({ providers: { x: { requiresKey: 'yes' } } }), /providers\.x\.requiresKey: expected true or false/);
    rejects(JSON.stringify({ providers: { 'a/b': {} } }), /providers\.a\/b: a provider id/);
  });
});

describe('resolving providers and models', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ models: ['m-small', 'm-large'], respondent: () => 'ok' });
  });
  after(async () => server.stop());
  beforeEach(() => server.requests.splice(0));

  it('uses the OpenAI key from the environment and refuses to start without it', () => {
    const m = resolveModel('openai/gpt-4o-mini', { env: { OPENAI_API_KEY: KEY } });
    assert.equal(m.id, 'openai/gpt-4o-mini');
    assert.equal(m.origin, 'https://api.openai.com');
    assert.equal(m.supportsStructuredOutput, true);
    assert.throws(
      () => resolveModel('openai/gpt-4o-mini', { env: {} }),
      (e: unknown) => e instanceof ModelError && e.kind === 'auth' && /OPENAI_API_KEY/.test(e.message),
    );
  });

  it('knows ollama and lmstudio without a key, azure from its endpoint variable', () => {
    assert.equal(resolveModel('ollama/llama3.2', { env: {} }).origin, 'http://localhost:11434');
    assert.equal(resolveModel('lmstudio/qwen', { env: {} }).origin, 'http://localhost:1234');
    const az = resolveProvider('azure', { env: { AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com/', AZURE_OPENAI_API_KEY: KEY } });
    assert.equal(az.baseUrl, 'https://res.openai.azure.com/openai/v1');
    assert.equal(az.apiKey, KEY);
    assert.throws(() => resolveProvider('azure', { env: { AZURE_OPENAI_API_KEY: KEY } }), /no base URL: set AZURE_OPENAI_ENDPOINT/);
  });

  it('sends a custom provider its key from apiKeyEnv and its headers', async () => {
    const config = { providers: { lab: { baseUrl: server.url, apiKeyEnv: 'LAB_TOKEN', headers: { 'x-lab': '1' } } } };
    const m = resolveModel('lab/m-small', { env: { LAB_TOKEN: KEY }, config });
    const res = await m.complete({ messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.text, 'ok');
    const req = server.requests[0]!;
    assert.equal(req.model, 'm-small');
    assert.equal(req.headers.authorization, `Bearer ${KEY}`);
    assert.equal(req.headers['x-lab'], '1');
  });

  it('reads an unnamed custom key from <ID>_API_KEY, else sends the placeholder', async () => {
    assert.equal(defaultKeyEnv('my-vllm'), 'MY_VLLM_API_KEY');
    const config = { providers: { 'my-vllm': { baseUrl: server.url } } };
    assert.equal(resolveProvider('my-vllm', { env: { MY_VLLM_API_KEY: KEY }, config }).apiKey, KEY);
    await resolveModel('my-vllm/m-small', { env: {}, config }).complete({ messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(server.requests[0]!.headers.authorization, 'Bearer no-key-required');
  });

  it('lets --base-url override a provider or define an ad-hoc one', () => {
    assert.equal(resolveModel('ollama/x', { env: {}, baseUrl: server.url }).origin, new URL(server.url).origin);
    assert.equal(resolveModel('adhoc/x', { env: {}, baseUrl: server.url }).origin, new URL(server.url).origin);
    assert.throws(() => resolveModel('nowhere/x', { env: {}, config: { providers: {}, source: '/cfg.json' } }), /Unknown provider "nowhere"\. Known: .*ollama.*\. Define it in \/cfg\.json or pass --base-url/);
  });

  it('points the simulator provider at DILEMMA_SIM_URL', () => {
    assert.equal(resolveProvider('sim', { env: { DILEMMA_SIM_URL: server.url } }).baseUrl, server.url);
  });

  it('lists the endpoint models with GET /v1/models', async () => {
    const provider = resolveProvider('lab', { env: {}, config: { providers: { lab: { baseUrl: server.url } } } });
    assert.deepEqual(await listModels(provider), ['m-large', 'm-small']);
  });

  it('reports an unreachable endpoint as a network ModelError', async () => {
    const dead = await startTestServer();
    const url = dead.url;
    await dead.stop();
    const provider = resolveProvider('lab', { env: { LAB_API_KEY: KEY }, config: { providers: { lab: { baseUrl: url } } } });
    await assert.rejects(listModels(provider), (e: unknown) => e instanceof ModelError && e.kind === 'network' && !e.message.includes(KEY));
  });
});
