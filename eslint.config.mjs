// Fast, syntax-level lint for every workspace (no type information: `npm run typecheck` covers types).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'out/**', 'drizzle/**', 'apps/api/test/fuzz/openapi-types.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // A `let` filled in once a server is listening, read by closures made before, is fine.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Prettier lays code out at 120 columns but leaves long strings and comments alone. (Core's
      // max-len is deprecated for @stylistic's, and kept until ESLint 11: no plugin for one rule.)
      'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  { files: ['**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
