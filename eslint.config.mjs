// Lint: typescript-eslint's recommended rules plus a few that keep the house rules honest
// (no `vscode` in editor-free folders, no stray fetch outside the HTTP module).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-output/**', '.vscode-test/**', 'bench/tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/portal/**', 'src/query/**', 'src/snippets/**', 'src/save/**', 'src/csv/**', 'src/catalog/store.ts', 'src/catalog/search.ts', 'src/catalog/favorites.ts', 'src/util/text.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'This folder is tested in plain Node: keep the editor out.' }] }],
    },
  },
  {
    files: ['src/**'],
    ignores: ['src/portal/http.ts'],
    rules: {
      'no-restricted-globals': ['error', { name: 'fetch', message: 'All HTTP goes through src/portal/http.ts.' }],
    },
  },
);
