// Lint is part of `npm test`: the layer rules below are the architecture, enforced.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const bareBuiltins = ['fs', 'path', 'os', 'crypto', 'net', 'child_process', 'http', 'https', 'stream', 'events', 'util', 'tls', 'dgram', 'worker_threads', 'process'];
const pattern = (group, message) => ({ group, message });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/corpus/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // src/core is pure: no Node built-ins, no ambient clock or randomness, no other layer.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: bareBuiltins.map((name) => ({ name, message: 'src/core is pure: inject I/O through an interface.' })),
        patterns: [
          pattern(['node:*'], 'src/core is pure: inject I/O through an interface.'),
          pattern(['**/tor/**', '**/profile/**', '**/server/**', '**/ui/**', '**/app/**', 'better-sqlite3*', 'sodium-native', 'ink', 'react'], 'src/core imports no other layer and no native module.'),
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'src/core is pure: no process.' },
        { name: 'Buffer', message: 'src/core uses Uint8Array, not Buffer.' },
        { name: 'setTimeout', message: 'src/core takes a Clock.' },
        { name: 'setInterval', message: 'src/core takes a Clock.' },
        { name: 'setImmediate', message: 'src/core schedules through a Clock or a Scheduler.' },
        { name: 'queueMicrotask', message: 'src/core defers through a Scheduler (Clock.defer).' },
        { name: 'Date', message: 'src/core takes a Clock.' },
        { name: 'performance', message: 'src/core takes a Clock.' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'src/core takes a Random.' },
        { object: 'Date', property: 'now', message: 'src/core takes a Clock.' },
        { object: 'crypto', property: 'getRandomValues', message: 'src/core takes a Random.' },
      ],
    },
  },
  {
    files: ['src/tor/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [pattern(['**/profile/**', '**/server/**', '**/ui/**', '**/app/**'], 'src/tor depends on src/core only.')] }] },
  },
  {
    files: ['src/profile/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [pattern(['**/tor/**', '**/server/**', '**/ui/**', '**/app/**'], 'src/profile depends on src/core only.')] }] },
  },
  {
    files: ['src/server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [pattern(['**/tor/**', '**/profile/**', '**/ui/**', '**/app/**'], 'src/server depends on src/core only.')] }] },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    ignores: ['src/ui/components/SafeTextView.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        // Only SafeText reaches <Text>: SafeTextView is the one component that may render ink's Text.
        paths: [{ name: 'ink', importNames: ['Text', 'Transform'], message: 'render text through SafeTextView (only SafeText reaches the terminal).' }],
        patterns: [pattern(['**/tor/**', '**/profile/**', '**/server/**', '**/app/**', 'better-sqlite3*', 'sodium-native', 'node:net', 'net'], 'src/ui sees view models and events, never sockets, keys or storage.')],
      }],
    },
  },
  {
    // Ink's private parts (its internal_* fields, its build/ files) are reached only from src/ui/ink-internals/,
    // behind its version gate (gate.ts).
    files: ['src/ui/**/*.{ts,tsx}'],
    ignores: ['src/ui/ink-internals/**'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: 'Identifier[name=/^internal_/]', message: 'Ink internals live in src/ui/ink-internals/, behind its gate.' },
        { selector: 'Literal[value=/ink\\/build/]', message: 'Ink internals live in src/ui/ink-internals/, behind its gate.' },
      ],
    },
  },
  {
    files: ['src/ui/components/SafeTextView.tsx'],
    rules: { 'no-restricted-imports': ['error', { patterns: [pattern(['**/tor/**', '**/profile/**', '**/server/**', '**/app/**'], 'src/ui sees view models and events only.')] }] },
  },
);
