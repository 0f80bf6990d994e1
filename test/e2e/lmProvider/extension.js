// Test-only extension: one language model offered through VS Code's Language Model API (the
// `chatProvider` proposal of VS Code 1.100: registerChatModelProvider(id, provider, metadata)), so
// that Dilemma Lens's `vscode-lm/...` models can be exercised where no real one exists (code-server
// offers none). Its answers come from the project's OpenAI-compatible test server with the simulated
// respondent: every request is forwarded as POST <baseUrl>/chat/completions. Metadata has no `auth`,
// so no consent prompt stands between it and other extensions. Plain JS, no build step.
'use strict';
const vscode = require('vscode');

const MODEL_ID = 'sim-lm';
const VENDOR = 'dilemma-sim';

/** The roles the Language Model API has; it has no system role, which is why Dilemma Lens sends the persona as a user turn. */
function roleOf(message) {
  if (message.role === vscode.LanguageModelChatMessageRole.User) return 'user';
  if (message.role === vscode.LanguageModelChatMessageRole.Assistant) return 'assistant';
  // Anything else would be a role the OpenAI-compatible server must not receive silently mislabelled.
  throw new Error(`lm-provider: unexpected message role ${String(message.role)}`);
}

function textOf(message) {
  const content = message.content;
  if (typeof content === 'string') return content;
  return content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

function activate(context) {
  // Where requests go: the launcher's env var for a hand-started server, or what a test sets through the exports.
  const target = { baseUrl: process.env.DILEMMA_TEST_LM_URL || '', model: process.env.DILEMMA_TEST_LM_MODEL || 'sim-mixed' };

  const provider = {
    async provideLanguageModelResponse(messages, _options, _extensionId, progress, token) {
      if (!target.baseUrl) throw new Error('lm-provider: no test server; set DILEMMA_TEST_LM_URL or call useServer(url) on its exports');
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        const res = await fetch(`${target.baseUrl}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: target.model, messages: messages.map((m) => ({ role: roleOf(m), content: textOf(m) })) }),
          signal: abort.signal,
        });
        const body = await res.text();
        if (!res.ok) throw new Error(`lm-provider: test server answered ${res.status}: ${body.slice(0, 200)}`);
        const text = JSON.parse(body).choices?.[0]?.message?.content ?? '';
        progress.report({ index: 0, part: new vscode.LanguageModelTextPart(text) });
      } finally {
        sub.dispose();
      }
    },
    provideTokenCount(text) {
      const s = typeof text === 'string' ? text : textOf(text);
      return Math.max(1, Math.ceil(s.length / 4));
    },
  };

  context.subscriptions.push(vscode.lm.registerChatModelProvider(MODEL_ID, provider, {
    vendor: VENDOR,
    name: 'Simulated respondent (test)',
    family: 'dilemma-sim',
    version: '1',
    maxInputTokens: 100000,
    maxOutputTokens: 4096,
    isUserSelectable: true,
  }));

  return {
    vendor: VENDOR,
    modelId: MODEL_ID,
    /** Points the model at a test server (base URL with /v1) and the server's model name. */
    useServer(baseUrl, model) {
      target.baseUrl = baseUrl.replace(/\/+$/, '');
      if (model) target.model = model;
    },
  };
}

function deactivate() {}

module.exports = { activate, deactivate };
