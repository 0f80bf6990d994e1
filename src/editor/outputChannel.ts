import * as vscode from 'vscode';
import type { ChatModel, ChatRequest, ChatResponse } from '../core/models/chatModel';
import { ModelError } from '../core/models/chatModel';
import { scrubSecret } from '../core/models/openaiModel';
import { OUTPUT_CHANNEL_NAME } from './ids';

/** The `Dilemma Lens` log channel: run starts and ends, and a trace line per model request. */
export function createOutputChannel(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
}

/**
 * Wraps a model so every request leaves a trace (model, message count, latency, outcome) in the
 * channel. Messages are scrubbed of the key and anything shaped like one before they are written.
 */
export function tracedModel(model: ChatModel, log: vscode.LogOutputChannel, secret?: string): ChatModel {
  return {
    id: model.id,
    provider: model.provider,
    supportsSystemPrompt: model.supportsSystemPrompt,
    supportsStructuredOutput: model.supportsStructuredOutput,
    origin: model.origin,
    async complete(request: ChatRequest): Promise<ChatResponse> {
      const t = Date.now();
      try {
        const r = await model.complete(request);
        log.trace(`${model.id} ${request.messages.length} msg -> ${Date.now() - t} ms, ${r.text.length} chars${r.usage ? `, ${r.usage.promptTokens}+${r.usage.completionTokens} tokens` : ''}`);
        return r;
      } catch (err) {
        const kind = err instanceof ModelError ? err.kind : 'error';
        const line = scrubSecret(`${model.id} ${request.messages.length} msg -> ${kind} after ${Date.now() - t} ms: ${err instanceof Error ? err.message : String(err)}`, secret);
        if (kind === 'aborted') log.trace(line);
        else log.warn(line);
        throw err;
      }
    },
  };
}
