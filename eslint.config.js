import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

// The rooms (docs/architecture.md): core/<module> is the ground and imports only core; the
// components (ingest, matcher, export, dead-letters, ledger, and fixtures) stand on core and on each
// other; app/ composes them; bench/ and test/ sit on top. Between rooms, an import goes
// through the room's index.ts; tests beside the code may also use fixtures/ and test/support.
const index = 'index.ts';
const roomsConfig = {
  files: ['**/*.ts'],
  plugins: { boundaries },
  settings: {
    'boundaries/elements': [
      { type: 'core', pattern: 'core/*', capture: ['module'] },
      { type: 'component', pattern: ['ingest', 'matcher', 'export', 'dead-letters', 'ledger'] },
      { type: 'fixtures', pattern: 'fixtures' },
      { type: 'app', pattern: 'app' },
      { type: 'bench', pattern: 'bench' },
      { type: 'test', pattern: 'test' },
    ],
    'boundaries/files': [{ category: 'test', pattern: '**/*.test.ts' }],
  },
  rules: {
    'boundaries/dependencies': [
      'error',
      {
        default: 'disallow',
        message:
          "past a room's door: import {{ to.type }} through its index.ts, and keep the layers (core < components < app < bench, test)",
        policies: [
          { allow: { dependency: { relationship: { to: 'internal' } } } },
          {
            from: { element: { type: 'core' } },
            allow: { to: { element: { type: 'core', fileInternalPath: index } } },
          },
          {
            from: { element: { type: ['component', 'fixtures'] } },
            allow: { to: { element: { type: ['core', 'component'], fileInternalPath: index } } },
          },
          {
            from: { element: { type: 'app' } },
            allow: { to: { element: { type: ['core', 'component', 'fixtures'], fileInternalPath: index } } },
          },
          {
            from: { element: { type: 'bench' } },
            allow: [
              { to: { element: { type: ['core', 'component', 'fixtures'], fileInternalPath: index } } },
              { to: { element: { type: 'app' } } },
            ],
          },
          {
            from: { file: { categories: 'test' } },
            allow: [
              { to: { element: { type: ['core', 'component', 'fixtures'], fileInternalPath: index } } },
              { to: { element: { type: ['app', 'test'] } } },
            ],
          },
          {
            from: { element: { type: 'test' } },
            allow: { to: { element: { type: ['core', 'component', 'fixtures'], fileInternalPath: index } } },
          },
          {
            from: { element: { type: 'test' } },
            allow: { to: { element: { type: ['app', 'test', 'bench'] } } },
          },
        ],
      },
    ],
  },
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.tallyline/**', 'scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  roomsConfig,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'kafkajs', message: 'Only core/kafka/ may import kafkajs: use the core Kafka module.' },
          ],
        },
      ],
    },
  },
  {
    files: ['core/kafka/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
