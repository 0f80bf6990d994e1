/**
 * A model wrapper that leaves a trace line per request (model, message count, latency, outcome) in
 * a log, with the key and anything shaped like one scrubbed from every line before it is written.
 */
import { ModelError, type ChatModel, type ChatRequest, type ChatResponse } from '../models/chatModel';
import { scrubSecret } from '../models/openaiModel';

/** Where trace lines go (VS Code's LogOutputChannel has these methods). */
export interface TraceSink {
  trace(line: string): void;
  warn(line: string): void;
}

export function tracedModel(model: ChatModel, log: TraceSink, secret?: string): ChatModel {
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
        log.trace(scrubSecret(`${model.id} ${request.messages.length} msg -> ${Date.now() - t} ms, ${r.text.length} chars${r.usage ? `, ${r.usage.promptTokens}+${r.usage.completionTokens} tokens` : ''}`, secret));
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
