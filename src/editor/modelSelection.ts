import * as vscode from 'vscode';
import { STATE_KEYS } from './ids';

/**
 * The model(s) runs use when a request names none: `provider/model` ids, several for a comparison
 * run. Kept in globalState, so the choice follows the user across workspaces.
 */
export class ModelSelection implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<readonly string[]>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly state: vscode.Memento) {}

  get current(): readonly string[] {
    const v = this.state.get<unknown>(STATE_KEYS.selectedModels);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  }

  async set(models: readonly string[]): Promise<void> {
    await this.state.update(STATE_KEYS.selectedModels, [...new Set(models)]);
    this.emitter.fire(this.current);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
