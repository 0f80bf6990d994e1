import * as vscode from 'vscode';
import { listModels } from '../core/models/listModels';
import { modelListingDecision } from '../core/view/repositoryResults';
import { pickerItems, type PickerItem, type ProviderModels } from '../core/view/modelPickerItems';
import { COMMANDS } from './ids';
import { languageModels } from './lmModel';
import type { ModelSelection } from './modelSelection';
import { readProviders } from './providerSettings';
import type { ApiKeys } from './secrets';

const COMPARE_LABEL = '$(list-selection) Compare several models…';

type Item = vscode.QuickPickItem & { id?: string };

function toQuickPickItem(i: PickerItem): Item {
  if (i.separator) return { label: i.label, kind: vscode.QuickPickItemKind.Separator };
  return { label: i.label, ...(i.description ? { description: i.description } : {}), ...(i.detail ? { detail: i.detail } : {}), ...(i.id ? { id: i.id } : {}), picked: !!i.picked };
}

/** The model quick pick: one model, or several for a comparison run; the choice goes to `ModelSelection`. */
export class ModelPicker {
  constructor(
    private readonly selection: ModelSelection,
    private readonly keys: ApiKeys,
    private readonly log: vscode.LogOutputChannel,
    private readonly isTrusted: () => boolean = () => vscode.workspace.isTrusted,
  ) {}

  /** The picker's items now: configured providers (listing /v1/models where no models are given) and VS Code's language models. */
  async items(): Promise<PickerItem[]> {
    const { providers, problems } = readProviders();
    for (const p of problems) this.log.warn(p);
    const listed: ProviderModels = new Map();
    await Promise.all(
      providers.filter((p) => !p.models).map(async (p) => {
        // Listing sends the stored key: like a run, only in a trusted workspace.
        const gate = modelListingDecision(this.isTrusted(), p);
        if (!gate.list) {
          listed.set(p.id, new Error(gate.reason));
          return;
        }
        try {
          const apiKey = await this.keys.get(p.id);
          listed.set(p.id, await listModels({ id: p.id, baseUrl: p.baseUrl, headers: {}, ...(apiKey ? { apiKey } : {}), structuredOutput: false }, { timeoutMs: 10_000 }));
        } catch (err) {
          listed.set(p.id, err instanceof Error ? err : new Error(String(err)));
          this.log.warn(`${p.id}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
    );
    const lm = (await languageModels()).map((m) => ({ id: m.id, name: m.name, vendor: m.vendor }));
    return pickerItems(providers, listed, lm, this.selection.current);
  }

  /** Shows the picker; resolves with the new selection, or undefined when dismissed. */
  async pick(): Promise<readonly string[] | undefined> {
    const items = (await this.items()).map(toQuickPickItem);
    if (!items.some((i) => i.id)) {
      const open = 'Open settings';
      const pressed = await vscode.window.showWarningMessage('Dilemma Lens: no model to pick. Add a provider to dilemmaLens.providers in your user settings (or install an extension that offers language models).', open);
      if (pressed === open) await vscode.commands.executeCommand('workbench.action.openSettings', 'dilemmaLens.providers');
      return undefined;
    }
    const compare: Item = { label: COMPARE_LABEL, alwaysShow: true };
    const chosen = await vscode.window.showQuickPick<Item>([...items, { label: '', kind: vscode.QuickPickItemKind.Separator }, compare], {
      title: 'Dilemma Lens: run scenarios against',
      placeHolder: `current: ${this.selection.current.join(', ') || 'none'}`,
      matchOnDescription: true,
    });
    if (!chosen) return undefined;
    let ids: string[];
    if (chosen === compare) {
      const many = await vscode.window.showQuickPick<Item>(items, { title: 'Dilemma Lens: compare models', canPickMany: true });
      if (!many || many.length === 0) return undefined;
      ids = many.map((i) => i.id).filter((x): x is string => !!x);
    } else if (chosen.id) ids = [chosen.id];
    else return undefined;
    await this.selection.set(ids);
    return this.selection.current;
  }

  register(): vscode.Disposable {
    return vscode.commands.registerCommand(COMMANDS.pickModel, async (models?: string | string[]) => {
      // Scripts and tests may set the selection directly.
      if (models !== undefined) {
        await this.selection.set(Array.isArray(models) ? models : [models]);
        return this.selection.current;
      }
      return this.pick();
    });
  }
}
