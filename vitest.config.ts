import { defineConfig } from 'vitest/config';

// One project per kind of test. `mock`: unit and integration tests of the mock itself
// (they start the real HTTPS server on 127.0.0.1 with port 0). Later issues add `server`
// (black-box conformance suite) and `client` (client harness).
export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'mock',
          include: ['mock/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
