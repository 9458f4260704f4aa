import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    // The real-tor and multi-process tests start processes; give them room but keep unit tests snappy.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
