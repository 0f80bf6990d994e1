// The core and the CLI run on plain Node: a vscode import there is a build error, not a style nit.
// The folders of src/core are floors (docs/architecture.md says why each boundary is where it is): a
// folder imports from the floors below it, never from its own floor's neighbours or above.
import tseslint from 'typescript-eslint';

const vscodePath = { name: 'vscode', message: 'src/core, src/cli and src/lib must not depend on VS Code; put editor glue in src/editor.' };
const noRequireVscode = ['error', {
  selector: "CallExpression[callee.name='require'][arguments.0.value='vscode']",
  message: 'src/core, src/cli and src/lib must not depend on VS Code.',
}];

/** What each folder of src/core may import besides itself; `random.ts` and `workspace/layout.ts` are leaves anyone may use. */
const floors = {
  scenario: [],
  models: [],
  run: ['scenario', 'models'],
  analysis: ['scenario', 'models', 'run'],
  report: ['scenario', 'models', 'run', 'analysis'],
  workspace: ['scenario', 'models', 'run', 'analysis', 'report'],
  view: ['scenario', 'models', 'run', 'analysis', 'report', 'workspace', 'git'],
  git: ['scenario', 'models', 'run', 'analysis', 'report', 'workspace'],
};
const coreFolders = Object.keys(floors);
const forbid = (names, message) => ({ regex: `^(\\.\\./)+(?:${names.map((n) => (n === 'workspace' ? 'workspace/(?!layout$)' : `${n}(?:/|$)`)).join('|')})`, message });
const restrict = (patterns, withVscode = true) => ({
  'no-restricted-imports': ['error', { ...(withVscode ? { paths: [vscodePath] } : {}), patterns }],
  ...(withVscode ? { 'no-restricted-syntax': noRequireVscode } : {}),
});
const hosts = forbid(['cli', 'editor', 'lib'], 'src/core is below both hosts and the library: it never imports from src/cli, src/editor or src/lib.');
const floorRules = coreFolders.map((folder) => {
  const above = coreFolders.filter((f) => f !== folder && !floors[folder].includes(f));
  return {
    files: [`src/core/${folder}/**/*.ts`],
    rules: restrict([hosts, ...(above.length ? [forbid(above, `src/core/${folder} may import only from ${floors[folder].join(', ') || 'no other folder of src/core'} (and random.ts, workspace/layout.ts): see docs/architecture.md.`)] : [])]),
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/vscode-server/**', '.dilemma/**', 'bench/node_modules/**', 'bench/promptfoo/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  { files: ['src/core/*.ts'], rules: restrict([hosts]) },
  ...floorRules,
  { files: ['src/cli/**/*.ts'], rules: restrict([forbid(['editor', 'lib'], 'the CLI is a host of its own: it uses src/core, never the editor or the library.')]) },
  { files: ['src/lib/**/*.ts'], rules: restrict([forbid(['cli', 'editor'], 'the library is src/core behind a small entry: no host code.')]) },
  { files: ['src/editor/**/*.ts'], rules: restrict([forbid(['cli', 'lib'], 'the editor is a host of its own: it uses src/core, never the CLI (put what both need in src/core).')], false) },
);
