import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Three suites: unit (pure core), integration (real peers on 127.0.0.1), e2e (Chromium against serve).
// Suites that run the built app share one global setup that rebuilds out/ when sources are newer.
// No suite may reach beyond loopback, even by accident: core refuses other addresses (net/guard.ts).
// A command run without --db (send, placement) writes to the default history: under the tests that is
// a throwaway folder, never the developer's own.
const env = { DELIVERLAB_LOOPBACK_ONLY: '1', XDG_DATA_HOME: mkdtempSync(join(tmpdir(), 'deliverlab-test-data-')) };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          env,
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          env,
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/lab/ensure-build.ts', 'test/lab/mail-lab/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          env,
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/lab/ensure-build.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
