/**
 * Named providers and `provider/model` ids.
 *
 * Providers come from built-in defaults plus the user's own config file
 * (`$DILEMMA_CONFIG`, else `$XDG_CONFIG_HOME/dilemma-lens/providers.json`, else
 * `~/.config/dilemma-lens/providers.json`), never from a scenario or the repository, so that a
 * checked-out project cannot redirect a user's key to another host. Keys are read only from the
 * environment variable a provider names; the config file may not contain one.
 */
import { priceLookup, priceProblem, type Price, type PriceOf } from './prices';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ChatModel } from './chatModel';
import { ModelError } from './chatModel';
import { OpenAICompatibleModel, redactUrl } from './openaiModel';

/** One provider's settings, from the built-ins or the user's providers file. */
export interface ProviderConfig {
  /** Base URL including the API prefix, e.g. `http://localhost:11434/v1`. */
  baseUrl?: string;
  /** Sent with every request (e.g. an organisation or routing header). Never put a key here. */
  headers?: Record<string, string>;
  /** Name of the environment variable holding the key, e.g. `OPENAI_API_KEY`. */
  apiKeyEnv?: string;
  /** Whether a request without a key is pointless (true for hosted APIs). */
  requiresKey?: boolean;
  /** Whether the endpoint honours `response_format: json_schema`. */
  structuredOutput?: boolean;
  /** Where the base URL may come from when the config gives none (Azure's resource endpoint, the simulator). */
  baseUrlEnv?: string;
  /** Appended to the URL read from `baseUrlEnv`. */
  baseUrlEnvSuffix?: string;
  /** US dollars per 1M input and output tokens of every model of the provider (models/prices.ts). */
  price?: Price;
  /** The same per model name (without the provider), over `price`. */
  prices?: Record<string, Price>;
}

/** The user's providers file, parsed and checked. */
export interface ProvidersConfig {
  providers: Record<string, ProviderConfig>;
  /** The file the user entries came from, when there was one. */
  source?: string;
}

/** A provider with its base URL and key settled; `apiKey` lives in memory only. */
export interface ResolvedProvider {
  id: string;
  baseUrl: string;
  headers: Record<string, string>;
  apiKey?: string;
  /** The environment variable the key was (or would be) read from. */
  apiKeyEnv?: string;
  structuredOutput: boolean;
}

/** The providers every user has without a config file. */
export const BUILTIN_PROVIDERS: Readonly<Record<string, Readonly<ProviderConfig>>> = {
  openai: { baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY', requiresKey: true, structuredOutput: true },
  azure: {
    baseUrlEnv: 'AZURE_OPENAI_ENDPOINT',
    baseUrlEnvSuffix: '/openai/v1',
    apiKeyEnv: 'AZURE_OPENAI_API_KEY',
    requiresKey: true,
    structuredOutput: true,
  },
  ollama: { baseUrl: 'http://localhost:11434/v1', requiresKey: false, structuredOutput: true },
  lmstudio: { baseUrl: 'http://localhost:1234/v1', requiresKey: false, structuredOutput: true },
  // The simulated respondent of `npm run test-server` / `npm start`: answers are synthetic.
  sim: { baseUrlEnv: 'DILEMMA_SIM_URL', baseUrl: 'http://127.0.0.1:8787/v1', requiresKey: false, structuredOutput: true },
};

const PROVIDER_KEYS: ReadonlySet<string> = new Set([
  'price',
  'prices',
  'baseUrl',
  'headers',
  'apiKeyEnv',
  'requiresKey',
  'structuredOutput',
  'baseUrlEnv',
  'baseUrlEnvSuffix',
]);
const PROVIDER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Where the user's providers file is looked for. */
export function providersConfigPath(env: NodeJS.ProcessEnv): string {
  if (env.DILEMMA_CONFIG) return env.DILEMMA_CONFIG;
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'dilemma-lens', 'providers.json');
}

/**
 * Reads the user's providers file. A missing file is an empty config; an unreadable or invalid one
 * is an error naming the file and the offending entry. `DILEMMA_CONFIG` pointing at a missing file
 * is an error too, since the user asked for that file.
 */
export function loadProvidersConfig(env: NodeJS.ProcessEnv): ProvidersConfig {
  const file = providersConfigPath(env);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !env.DILEMMA_CONFIG) return { providers: {} };
    throw new Error(`${file}: cannot read the providers file (${code ?? String(error)})`);
  }
  return { providers: parseProvidersConfig(text, file), source: file };
}

/** Parses and checks the text of a providers file; errors say `file: providers.<id>.<field>: problem`. */
export function parseProvidersConfig(text: string, file: string): Record<string, ProviderConfig> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(data)) throw new Error(`${file}: expected an object like { "providers": { "<id>": { "baseUrl": "..." } } }`);
  for (const key of Object.keys(data)) {
    if (key !== 'providers' && key !== '$schema') throw new Error(`${file}: unknown top-level key "${key}" (expected "providers")`);
  }
  const providers = data.providers ?? {};
  if (!isRecord(providers)) throw new Error(`${file}: "providers" must be an object mapping provider ids to settings`);
  const out: Record<string, ProviderConfig> = {};
  for (const [id, raw] of Object.entries(providers)) {
    const where = `${file}: providers.${id}`;
    if (!PROVIDER_ID.test(id)) throw new Error(`${where}: a provider id may use letters, digits, '-', '_' and '.', and no '/'`);
    if (!isRecord(raw)) throw new Error(`${where}: expected an object`);
    for (const key of Object.keys(raw)) {
      if (/^api[-_]?key$/i.test(key) || key === 'key' || key === 'token') {
        throw new Error(`${where}.${key}: API keys are never read from a file; set "apiKeyEnv" to the name of an environment variable instead`);
      }
      if (!PROVIDER_KEYS.has(key)) throw new Error(`${where}.${key}: unknown setting (known: ${[...PROVIDER_KEYS].join(', ')})`);
    }
    const entry: ProviderConfig = {};
    if (raw.baseUrl !== undefined) {
      if (typeof raw.baseUrl !== 'string' || !isHttpUrl(raw.baseUrl)) throw new Error(`${where}.baseUrl: expected an http(s) URL such as "http://localhost:8000/v1"`);
      entry.baseUrl = raw.baseUrl;
    }
    if (raw.headers !== undefined) {
      if (!isRecord(raw.headers) || !Object.values(raw.headers).every((v) => typeof v === 'string')) {
        throw new Error(`${where}.headers: expected an object of header name -> string`);
      }
      for (const name of Object.keys(raw.headers)) {
        if (/^(authorization|api-key|x-api-key)$/i.test(name)) {
          throw new Error(`${where}.headers.${name}: credentials are never read from a file; use "apiKeyEnv"`);
        }
      }
      entry.headers = { ...(raw.headers as Record<string, string>) };
    }
    for (const key of ['apiKeyEnv', 'baseUrlEnv', 'baseUrlEnvSuffix'] as const) {
      const value = raw[key];
      if (value === undefined) continue;
      if (typeof value !== 'string' || (key !== 'baseUrlEnvSuffix' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value))) {
        throw new Error(`${where}.${key}: expected ${key === 'baseUrlEnvSuffix' ? 'a string' : 'an environment variable name'}`);
      }
      entry[key] = value;
    }
    for (const key of ['requiresKey', 'structuredOutput'] as const) {
      const value = raw[key];
      if (value === undefined) continue;
      if (typeof value !== 'boolean') throw new Error(`${where}.${key}: expected true or false`);
      entry[key] = value;
    }
    if (raw.price !== undefined) {
      const problem = priceProblem(raw.price);
      if (problem) throw new Error(`${where}.price: ${problem}`);
      entry.price = { ...(raw.price as Price) };
    }
    if (raw.prices !== undefined) {
      if (!isRecord(raw.prices)) throw new Error(`${where}.prices: expected an object of model name -> { "input": ..., "output": ... }`);
      entry.prices = {};
      for (const [model, p] of Object.entries(raw.prices)) {
        const problem = priceProblem(p);
        if (problem) throw new Error(`${where}.prices.${model}: ${problem}`);
        entry.prices[model] = { ...(p as Price) };
      }
    }
    out[id] = entry;
  }
  return out;
}

/** The price lookup of a providers file: its `prices` per model, its `price` per provider, then the defaults (models/prices.ts). */
export function configPrices(config: ProvidersConfig): PriceOf {
  const user: Record<string, Price> = {};
  const perProvider: Record<string, Price> = {};
  for (const [id, p] of Object.entries(config.providers)) {
    if (p.price) perProvider[id] = p.price;
    for (const [model, price] of Object.entries(p.prices ?? {})) user[`${id}/${model}`] = price;
  }
  return priceLookup(user, perProvider);
}

/** Splits `provider/model` at the first slash (model names may contain slashes themselves). */
export function parseModelId(id: string): { provider: string; model: string } {
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) {
    throw new Error(`Model "${id}" must be written provider/model, e.g. openai/${id || 'gpt-4o-mini'} or ollama/llama3.2`);
  }
  return { provider: id.slice(0, slash), model: id.slice(slash + 1) };
}

/** Where a `provider/model` id is resolved: the environment (keys, endpoints) and the user's config. */
export interface ResolveOptions {
  /** `--base-url`: overrides the provider's URL, or defines an ad-hoc provider. */
  baseUrl?: string;
  env: NodeJS.ProcessEnv;
  config?: ProvidersConfig;
}

/** Settles a provider's URL, headers and key from the built-ins, the user config and the environment. */
export function resolveProvider(providerId: string, options: ResolveOptions): ResolvedProvider {
  const { env } = options;
  const builtin = BUILTIN_PROVIDERS[providerId];
  const user = options.config?.providers[providerId];
  if (!builtin && !user && !options.baseUrl) {
    const known = [...new Set([...Object.keys(BUILTIN_PROVIDERS), ...Object.keys(options.config?.providers ?? {})])].sort();
    const where = options.config?.source ?? providersConfigPath(env);
    throw new Error(`Unknown provider "${providerId}". Known: ${known.join(', ')}. Define it in ${where} or pass --base-url.`);
  }
  const merged: ProviderConfig = { ...builtin, ...user, headers: { ...builtin?.headers, ...user?.headers } };
  let baseUrl = options.baseUrl;
  // A user's explicit baseUrl beats the environment; a built-in default yields to it.
  if (!baseUrl && user?.baseUrl) baseUrl = user.baseUrl;
  if (!baseUrl && merged.baseUrlEnv && env[merged.baseUrlEnv]) {
    baseUrl = env[merged.baseUrlEnv]!.replace(/\/+$/, '') + (merged.baseUrlEnvSuffix ?? '');
  }
  if (!baseUrl) baseUrl = merged.baseUrl;
  if (!baseUrl) {
    throw new Error(
      `Provider "${providerId}" has no base URL: set ${merged.baseUrlEnv ?? 'baseUrl in the providers file'}${merged.baseUrlEnv ? ' in the environment, add baseUrl to the providers file,' : ''} or pass --base-url.`,
    );
  }
  if (!isHttpUrl(baseUrl)) throw new Error(`Provider "${providerId}": base URL "${redactUrl(baseUrl)}" is not an http(s) URL`);
  const apiKeyEnv = merged.apiKeyEnv ?? (builtin ? undefined : defaultKeyEnv(providerId));
  const apiKey = apiKeyEnv ? env[apiKeyEnv] || undefined : undefined;
  if (merged.requiresKey && !apiKey) {
    throw new ModelError('auth', `Provider "${providerId}" needs an API key: set the environment variable ${apiKeyEnv ?? '(apiKeyEnv)'}.`);
  }
  return { id: providerId, baseUrl, headers: merged.headers ?? {}, apiKey, apiKeyEnv, structuredOutput: merged.structuredOutput ?? false };
}

/** `my-vllm` -> `MY_VLLM_API_KEY`: the variable a custom provider's key is read from by default. */
export function defaultKeyEnv(providerId: string): string {
  return `${providerId.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`;
}

/** Resolves `provider/model` to a ready `ChatModel`. */
export function resolveModel(id: string, options: ResolveOptions & { timeoutMs?: number }): ChatModel {
  const { provider, model } = parseModelId(id);
  const resolved = resolveProvider(provider, options);
  return new OpenAICompatibleModel({
    provider,
    model,
    baseUrl: resolved.baseUrl,
    apiKey: resolved.apiKey,
    headers: resolved.headers,
    supportsStructuredOutput: resolved.structuredOutput,
    timeoutMs: options.timeoutMs,
    ...(resolved.apiKeyEnv ? { apiKeySource: `the environment variable ${resolved.apiKeyEnv}` } : {}),
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
