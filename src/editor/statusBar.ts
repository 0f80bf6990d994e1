import * as vscode from 'vscode';
import { modelLabel } from '../core/view/lensPlan';
import { COMMANDS } from './ids';
import type { ModelSelection } from './modelSelection';

/** The current model(s) in the status bar, one click from the picker. */
export class ModelStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly selection: ModelSelection) {
    this.item = vscode.window.createStatusBarItem('dilemmaLens.model', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Dilemma Lens model';
    this.item.command = COMMANDS.pickModel;
    this.subscription = selection.onDidChange(() => this.update());
    this.update();
    this.item.show();
  }

  private update(): void {
    const models = this.selection.current;
    this.item.text = `$(beaker) ${modelLabel(models)}`;
    this.item.tooltip = models.length ? `Dilemma Lens runs against ${models.join(', ')}. Click to change.` : 'Dilemma Lens: pick the model to run scenarios against';
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
