// Lint config: typescript-eslint's recommended rules, plus the chaincode's determinism
// guard: nothing non-deterministic may reach the ledger.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.cache/**', 'data/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['chaincode/src/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use the transaction timestamp (ctx.stub.getTxTimestamp()).' },
        { object: 'Math', property: 'random', message: 'Chaincode must be deterministic.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Use the transaction timestamp.' },
        { selector: 'Literal[raw=/\\d\\.\\d/]', message: 'No floating point in chaincode: use integers or BigInt rationals.' },
      ],
    },
  },
);
