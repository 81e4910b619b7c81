// ESLint for the whole tree, with typescript-eslint's type-aware rules (the compiler's view of every
// promise) and the React hooks rules for the TUI. `make test` runs it with --max-warnings 0.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'eslint.config.js'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // One program for the whole tree (tsconfig.check.json covers src, bench and test): faster than one per file.
      parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Named here though recommended: a promise nobody awaits or catches is how a synchronous throw in a
      // promise path once crashed the TUI.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `async` without `await` is on purpose: it turns a synchronous throw into a rejection.
      '@typescript-eslint/require-await': 'off',
      // `_name` marks a value taken apart on purpose (a rest sibling, an argument an interface passes).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // An object literal with a getter needs its owner under another name (`const connection = this`).
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['connection'] }],
      // A value that closures made before it read (`let client`, set once its parts exist) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['src/tui/**/*.ts', 'src/tui/**/*.tsx', 'test/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['test/**/*.ts', 'test/**/*.tsx'],
    rules: {
      // vitest types expect.any(…), expect.objectContaining(…) and parsed JSON as `any`: every assertion
      // on a record would need a cast that says nothing.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Tests take helpers apart (`const { run } = useServerBin()`); the helpers are closures, not methods.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
