import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Exploration tests run many simulated executions; give them room on a 2-core CI box.
    testTimeout: 60_000,
    pool: 'forks',
  },
});
