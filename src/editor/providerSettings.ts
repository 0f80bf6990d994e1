import * as vscode from 'vscode';
import { providerEntries, type ProviderEntries } from '../core/view/providerEntries';
import { RUN_SETTINGS } from './ids';

/**
 * The configured providers, from the user's own settings only: `inspect().globalValue`, never a
 * workspace or folder value, so a repository's `.vscode/settings.json` cannot send the user's key to
 * a host of its choosing (the setting is also contributed with `"scope": "application"`).
 */
export function readProviders(): ProviderEntries {
  const inspected = vscode.workspace.getConfiguration().inspect<unknown>(RUN_SETTINGS.providers);
  return providerEntries(inspected?.globalValue);
}

/** Fires when the providers setting changes. */
export function onDidChangeProviders(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(RUN_SETTINGS.providers)) listener();
  });
}
