import * as vscode from 'vscode';
import { COMMANDS } from './ids';
import { readProviders } from './providerSettings';
import { redactUrl } from '../core/models/openaiModel';

const keyName = (provider: string): string => `dilemmaLens.apiKey.${provider}`;

/** API keys per provider, in VS Code's SecretStorage only (never settings, logs, caches or results). */
export class ApiKeys implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<string>();
  /** Fires with the provider id whose key was set or cleared. */
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key.startsWith('dilemmaLens.apiKey.')) this.emitter.fire(e.key.slice('dilemmaLens.apiKey.'.length));
    });
  }

  get(provider: string): Thenable<string | undefined> {
    return this.secrets.get(keyName(provider));
  }

  set(provider: string, key: string): Thenable<void> {
    return this.secrets.store(keyName(provider), key);
  }

  clear(provider: string): Thenable<void> {
    return this.secrets.delete(keyName(provider));
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

async function askProvider(title: string): Promise<string | undefined> {
  const { providers } = readProviders();
  if (providers.length === 0) {
    const open = 'Open settings';
    const pick = await vscode.window.showWarningMessage('No provider is configured: add one to dilemmaLens.providers in your user settings first.', open);
    if (pick === open) await vscode.commands.executeCommand('workbench.action.openSettings', 'dilemmaLens.providers');
    return undefined;
  }
  if (providers.length === 1) return providers[0]!.id;
  const pick = await vscode.window.showQuickPick(providers.map((p) => ({ label: p.id, description: redactUrl(p.baseUrl) })), { title });
  return pick?.label;
}

/**
 * `dilemmaLens.setApiKey [provider] [key]` and `dilemmaLens.clearApiKey [provider]`: without
 * arguments they ask (the key in a password box); arguments let scripts and tests skip the prompts.
 */
export function registerSecretCommands(keys: ApiKeys): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.setApiKey, async (provider?: string, key?: string) => {
      const id = typeof provider === 'string' ? provider : await askProvider('Set the API key of which provider?');
      if (!id) return false;
      const value = typeof key === 'string' ? key : await vscode.window.showInputBox({ title: `API key for ${id}`, password: true, ignoreFocusOut: true, prompt: 'Stored in VS Code\'s secret storage, never in settings.' });
      if (!value) return false;
      await keys.set(id, value.trim());
      if (typeof key !== 'string') void vscode.window.showInformationMessage(`The API key for ${id} is stored in VS Code's secret storage.`);
      return true;
    }),
    vscode.commands.registerCommand(COMMANDS.clearApiKey, async (provider?: string) => {
      const id = typeof provider === 'string' ? provider : await askProvider('Clear the API key of which provider?');
      if (!id) return false;
      await keys.clear(id);
      if (typeof provider !== 'string') void vscode.window.showInformationMessage(`The API key for ${id} is removed.`);
      return true;
    }),
  );
}
