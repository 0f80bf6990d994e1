/**
 * The `dilemmaLens.providers` setting, checked: which OpenAI-compatible endpoints the editor may
 * call. Pure, so the rules (no keys in settings, http(s) only, ids without '/') are unit-tested.
 */

/** One provider as the user configured it. */
export interface ProviderEntry {
  id: string;
  baseUrl: string;
  /** Model names offered in the picker; absent: read from the endpoint's /v1/models. */
  models?: string[];
  /** Whether a run needs a key from SecretStorage (a hosted API); default true. */
  apiKeyRequired: boolean;
}

/** The entries that are usable, and a sentence per entry that is not. */
export interface ProviderEntries {
  providers: ProviderEntry[];
  problems: string[];
}

const PROVIDER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** The provider id of VS Code's own language models in `provider/model` ids. */
export const LM_PROVIDER = 'vscode-lm';

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Checks the raw setting value (an array of objects); unknown or wrong fields make an entry unusable, with a reason. */
export function providerEntries(raw: unknown): ProviderEntries {
  const providers: ProviderEntry[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { providers, problems };
  if (!Array.isArray(raw)) return { providers, problems: ['dilemmaLens.providers must be a list of { id, baseUrl, models?, apiKeyRequired? }'] };
  raw.forEach((e: unknown, i) => {
    const where = `dilemmaLens.providers[${i}]`;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return problems.push(`${where}: expected an object`);
    const o = e as Record<string, unknown>;
    const keyField = Object.keys(o).find((k) => /^(api[-_]?key|key|token|secret)$/i.test(k));
    if (keyField) return problems.push(`${where}.${keyField}: API keys are never read from settings; use the command "Dilemma Lens: Set API Key"`);
    if (typeof o.id !== 'string' || !PROVIDER_ID.test(o.id) || o.id === LM_PROVIDER) return problems.push(`${where}.id: expected a name of letters, digits, '-', '_' or '.' (not "${LM_PROVIDER}")`);
    if (typeof o.baseUrl !== 'string' || !isHttpUrl(o.baseUrl)) return problems.push(`${where}.baseUrl: expected an http(s) URL such as http://localhost:11434/v1`);
    if (o.models !== undefined && (!Array.isArray(o.models) || !o.models.every((m) => typeof m === 'string' && m.length > 0)))
      return problems.push(`${where}.models: expected a list of model names`);
    if (o.apiKeyRequired !== undefined && typeof o.apiKeyRequired !== 'boolean') return problems.push(`${where}.apiKeyRequired: expected true or false`);
    if (providers.some((p) => p.id === o.id)) return problems.push(`${where}.id: "${o.id}" is configured twice; the first entry is used`);
    providers.push({
      id: o.id,
      baseUrl: o.baseUrl.replace(/\/+$/, ''),
      ...(o.models ? { models: [...(o.models as string[])] } : {}),
      apiKeyRequired: (o.apiKeyRequired as boolean | undefined) ?? true,
    });
    return undefined;
  });
  return { providers, problems };
}
