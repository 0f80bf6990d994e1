import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoPath } from '../../support/paths';

// The grammar embeds VS Code's built-in YAML grammar, so it is tokenized here with the same engine and
// YAML grammars VS Code uses, taken from the code-server install (scripts/setup-vscode-server.sh).
const vscodeDir = repoPath('test', 'vscode-server', 'node_modules', 'code-server', 'lib', 'vscode');
const yamlSyntaxes = path.join(vscodeDir, 'extensions', 'yaml', 'syntaxes');

interface Token { text: string; scopes: string[] }

/** The few parts of vscode-textmate and vscode-oniguruma used here. */
interface TextMate {
  INITIAL: unknown;
  Registry: new (opts: { onigLib: Promise<unknown>; loadGrammar(scope: string): Promise<unknown> }) => { loadGrammar(scope: string): Promise<Grammar | null> };
  parseRawGrammar(content: string, filePath: string): unknown;
}
interface Grammar { tokenizeLine(line: string, state: unknown): { tokens: { startIndex: number; endIndex: number; scopes: string[] }[]; ruleStack: unknown } }
interface Oniguruma {
  loadWASM(data: ArrayBuffer): Promise<void>;
  OnigScanner: new (patterns: string[]) => unknown;
  OnigString: new (s: string) => unknown;
}

async function tokenizer(): Promise<(text: string) => Token[][]> {
  const tm = require(path.join(vscodeDir, 'node_modules', 'vscode-textmate')) as TextMate;
  const onig = require(path.join(vscodeDir, 'node_modules', 'vscode-oniguruma')) as Oniguruma;
  const wasm = fs.readFileSync(path.join(vscodeDir, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const files: Record<string, string> = {
    'source.dilemma': repoPath('syntaxes', 'dilemma.tmLanguage.json'),
    'source.yaml': path.join(yamlSyntaxes, 'yaml.tmLanguage.json'),
    'source.yaml.1.2': path.join(yamlSyntaxes, 'yaml-1.2.tmLanguage.json'),
    'source.yaml.embedded': path.join(yamlSyntaxes, 'yaml-embedded.tmLanguage.json'),
  };
  const registry = new tm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new onig.OnigScanner(p), createOnigString: (s: string) => new onig.OnigString(s) }),
    loadGrammar: async (scope: string) => {
      const f = files[scope];
      return f ? tm.parseRawGrammar(fs.readFileSync(f, 'utf8'), f) : null;
    },
  });
  const grammar = await registry.loadGrammar('source.dilemma');
  assert.ok(grammar);
  return (text) => {
    let state: unknown = tm.INITIAL;
    return text.split('\n').map((line) => {
      const r = grammar.tokenizeLine(line, state);
      state = r.ruleStack;
      return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
    });
  };
}

const TEXT = `dilemma: grammar   # {{not-a-placeholder}} in a comment
persona: |
  You are {{name}}.
values:
  privacy:
    label: Privacy
    items:
      - I worry about {{ recipient }}.
action:
  prompt: Send to {{recipient}}?
  choices:
    share: Send
    decline: Keep
  expect:
    privacy: decline
arbitration:
  - when: { consent: no }
    require: decline
    because: Consent first.
  - rank: [privacy, prosocial]
other: { values: 1 }
`;

describe('the dilemma TextMate grammar', function () {
  let lines: Token[][] = [];
  before(async function () {
    if (!fs.existsSync(path.join(vscodeDir, 'node_modules', 'vscode-textmate'))) {
      this.skip(); // needs code-server's copy of VS Code: bash scripts/setup-vscode-server.sh
    }
    lines = (await tokenizer())(TEXT);
  });
  const scopesOf = (line: number, text: string): string[] => {
    const t = lines[line]?.find((x) => x.text === text);
    assert.ok(t, `no token "${text}" on line ${line + 1}: ${JSON.stringify(lines[line]?.map((x) => x.text))}`);
    return t.scopes;
  };
  const has = (line: number, text: string, scope: string): void =>
    assert.ok(scopesOf(line, text).includes(scope), `"${text}" on line ${line + 1} lacks ${scope}: ${scopesOf(line, text).join(' ')}`);

  it('scopes placeholders and their braces in block, plain and item text, not in comments', () => {
    has(2, 'name', 'variable.other.placeholder.dilemma');
    has(2, '{{', 'punctuation.definition.template-expression.begin.dilemma');
    has(2, '}}', 'punctuation.definition.template-expression.end.dilemma');
    has(7, 'recipient', 'variable.other.placeholder.dilemma');
    has(9, 'recipient', 'variable.other.placeholder.dilemma');
    assert.ok(lines[0]?.every((t) => !t.scopes.some((s) => s.includes('placeholder'))), 'placeholder scope inside a comment');
  });

  it('keeps the text around a placeholder YAML string', () => {
    has(2, '.', 'string.unquoted.block.yaml');
    assert.ok(scopesOf(9, 'Send to ').some((s) => s.startsWith('string.')));
  });

  it('scopes value names under values, in expect and in rank', () => {
    has(4, 'privacy', 'entity.name.type.value.dilemma');
    has(14, 'privacy', 'entity.name.type.value.dilemma');
    has(19, 'prosocial', 'entity.name.type.value.dilemma');
    assert.ok(!scopesOf(5, 'label').includes('entity.name.type.value.dilemma'), 'a field of a value is not a value name');
  });

  it('scopes choice ids under choices, in expect and in require', () => {
    has(11, 'share', 'variable.other.enummember.choice.dilemma');
    has(12, 'decline', 'variable.other.enummember.choice.dilemma');
    has(14, 'decline', 'variable.other.enummember.choice.dilemma');
    has(17, 'decline', 'variable.other.enummember.choice.dilemma');
  });

  it('scopes the rule keywords', () => {
    for (const [line, kw] of [[16, 'when'], [17, 'require'], [18, 'because'], [19, 'rank']] as const) has(line, kw, 'keyword.control.rule.dilemma');
  });
});
