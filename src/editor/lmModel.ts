import * as vscode from 'vscode';
import { ModelError, type ChatModel, type ChatRequest, type ChatResponse } from '../core/models/chatModel';
import { LM_PROVIDER } from '../core/view/providerEntries';

/**
 * A `ChatModel` over VS Code's Language Model API (`vscode.lm`). These models take no system prompt
 * (the API has user and assistant messages only), so `supportsSystemPrompt` is false and the session
 * sends the persona as a first user turn; they take no temperature or JSON schema either.
 */
export class LanguageModelChat implements ChatModel {
  readonly id: string;
  readonly provider = LM_PROVIDER;
  readonly supportsSystemPrompt = false;
  readonly supportsStructuredOutput = false;
  readonly origin: string;

  constructor(private readonly model: vscode.LanguageModelChat) {
    this.id = `${LM_PROVIDER}/${model.id}`;
    this.origin = `vscode-lm://${model.vendor}`;
  }

  async complete(request: ChatRequest): Promise<ChatResponse> {
    if (request.signal?.aborted) throw new ModelError('aborted', `${this.id}: request aborted before it was sent`);
    const cts = new vscode.CancellationTokenSource();
    // The abort settles the call itself: VS Code 1.100 neither ends the response stream nor passes the
    // cancellation on to the provider once its request has started (seen in the extension-host test),
    // so a provider that never answers would otherwise hold the run, and its cancel, forever.
    let onAbort = (): void => cts.cancel();
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        cts.cancel();
        reject(new ModelError('aborted', `${this.id}: request aborted`));
      };
    });
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([this.send(request, cts.token), aborted]);
    } catch (err) {
      if (err instanceof ModelError) throw err;
      if (request.signal?.aborted) throw new ModelError('aborted', `${this.id}: request aborted`);
      if (err instanceof vscode.LanguageModelError) {
        const kind = err.code === vscode.LanguageModelError.NotFound.name ? 'not-found' : err.code === vscode.LanguageModelError.NoPermissions.name ? 'auth' : 'server';
        throw new ModelError(kind, `${this.id}: ${err.message}`);
      }
      throw new ModelError('server', `${this.id}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      cts.dispose();
    }
  }

  private async send(request: ChatRequest, token: vscode.CancellationToken): Promise<ChatResponse> {
    const messages = request.messages.map((m) =>
      m.role === 'assistant' ? vscode.LanguageModelChatMessage.Assistant(m.content) : vscode.LanguageModelChatMessage.User(m.content),
    );
    const response = await this.model.sendRequest(messages, { justification: 'Dilemma Lens runs the scenario you started.' }, token);
    let text = '';
    for await (const chunk of response.text) text += chunk;
    return { text };
  }
}

/** VS Code's language models, as `vscode-lm/<id>` entries for the picker. */
export async function languageModels(): Promise<vscode.LanguageModelChat[]> {
  try {
    return await vscode.lm.selectChatModels();
  } catch {
    return [];
  }
}
