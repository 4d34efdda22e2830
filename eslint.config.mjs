import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// One validation layer (libs/aaa/src/common/validation.ts): IsOptional() lets null through to
// NOT NULL columns, and so does the default PartialType().
const oneValidationLayer = [
  {
    name: 'class-validator',
    importNames: ['IsOptional'],
    message: 'Use Optional() or OptionalNullable() from @app/aaa common/validation.',
  },
  { name: '@nestjs/swagger', importNames: ['PartialType'], message: 'Use PartialDto() from @app/aaa common/validation.' },
  { name: '@nestjs/mapped-types', importNames: ['PartialType'], message: 'Use PartialDto() from @app/aaa common/validation.' },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'scripts/*.js', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      curly: ['error', 'multi-line'],
      // libs/aaa is the core: it must never reach into the libs that build on it.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@app/portal*', '@app/router-rpc*', '@app/panel*', '@app/vouchers*'],
              message: 'libs/aaa must not import portal, router-rpc, panel or vouchers',
            },
          ],
          paths: oneValidationLayer,
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['libs/portal/**', 'libs/router-rpc/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@app/panel*'], message: 'nothing but apps/api imports the customer panel' }], paths: oneValidationLayer },
      ],
    },
  },
  {
    // The panel builds on aaa and router-rpc; the captive portal is a separate concern.
    files: ['libs/panel/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@app/portal*'], message: 'libs/panel must not import the captive portal' }], paths: oneValidationLayer },
      ],
    },
  },
  {
    files: ['libs/aaa/src/common/validation.ts', 'apps/**', 'test/**', 'bench/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
