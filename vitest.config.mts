import os from 'node:os';
import { defineConfig } from 'vitest/config';
import SummaryReporter from './tests/summary-reporter.mts';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/global-setup.ts'],
    pool: 'forks',
    // Vitest's default leaves a core idle (one file at a time on 2 cores); the suites mostly wait on
    // their local clouds, so every core runs a file.
    maxWorkers: Math.max(2, os.availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', new SummaryReporter()],
  },
});
