/**
 * The model quick pick as data: a section per configured provider (its models as configured or as
 * its /v1/models lists them, or the reason they could not be listed), then VS Code's own language
 * models, marked where they take no system prompt. Pure, so the listing rules are unit-tested.
 */
import type { ProviderEntry } from './providerEntries';
import { LM_PROVIDER } from './providerEntries';
import { redactUrl } from '../models/openaiModel';

export interface PickerItem {
  /** `provider/model`; absent on separators and notes. */
  id?: string;
  label: string;
  description?: string;
  detail?: string;
  separator?: boolean;
  picked?: boolean;
}

/** A language model VS Code offers (the fields of `vscode.LanguageModelChat` the picker shows). */
export interface EditorModel {
  id: string;
  name: string;
  vendor: string;
}

/** The models of each provider: listed names, or the error that kept them from being listed. */
export type ProviderModels = Map<string, string[] | Error>;

export function pickerItems(providers: readonly ProviderEntry[], listed: ProviderModels, editorModels: readonly EditorModel[], selected: readonly string[]): PickerItem[] {
  const items: PickerItem[] = [];
  for (const p of providers) {
    items.push({ label: p.id, separator: true });
    const models = p.models ?? listed.get(p.id);
    if (models instanceof Error) {
      items.push({ label: `$(warning) ${p.id}: models could not be listed`, detail: models.message });
      continue;
    }
    if (!models || models.length === 0) {
      items.push({ label: `$(info) ${p.id} lists no models`, detail: `Add "models" to its entry in dilemmaLens.providers.` });
      continue;
    }
    for (const m of models) {
      const id = `${p.id}/${m}`;
      items.push({ id, label: m, description: redactUrl(p.baseUrl), picked: selected.includes(id) });
    }
  }
  if (editorModels.length > 0) {
    items.push({ label: 'VS Code language models', separator: true });
    for (const m of editorModels) {
      const id = `${LM_PROVIDER}/${m.id}`;
      items.push({ id, label: m.name, description: `${m.vendor} · no system prompt (sent as the first user turn)`, picked: selected.includes(id) });
    }
  }
  return items;
}
