// The core and the CLI run on plain Node: a vscode import there is a build error, not a style nit.
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': ['error', {
    paths: [{ name: 'vscode', message: 'src/core and src/cli must not depend on VS Code; put editor glue in src/editor.' }],
  }],
  'no-restricted-syntax': ['error', {
    selector: "CallExpression[callee.name='require'][arguments.0.value='vscode']",
    message: 'src/core and src/cli must not depend on VS Code.',
  }],
};

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
  { files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'src/lib/**/*.ts'], rules: noVscode },
);
