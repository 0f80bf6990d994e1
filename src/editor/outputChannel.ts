import * as vscode from 'vscode';
import { OUTPUT_CHANNEL_NAME } from './ids';

/** The `Dilemma Lens` log channel: run starts and ends, and a trace line per model request (see `tracedModel`). */
export function createOutputChannel(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
}
