import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

/** The API suites of the relational data: tickets, alerting, households, stops, visits, users, sessions. */
const POSTGRES_FILES = [
  'tickets-api', 'households', 'handover', 'intake', 'my-day', 'search', 'users-admin', 'accounts-security', 'visits', 'visit-rounds',
  'notices', 'reports', 'exemption', 'substation-faults', 'http-api', 'device-import', 'ack-links-security', 'alerting',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: real brokers, databases and browsers per file; more workers only thrash.
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'server', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        // The same API files again with the relational data in PostgreSQL (HEATWATCH_DATABASE_URL,
        // a database per HeatWatch): every store behind its port behaves as SQLite's does.
        test: {
          name: 'postgres',
          include: POSTGRES_FILES.map((f) => `test/${f}.test.ts`),
          env: { HEATWATCH_TEST_DATABASE: 'postgres' },
        },
      },
      {
        extends: true,
        // Svelte components and rune classes, compiled as the browser build compiles them.
        plugins: [svelte({ configFile: path.join(root, 'dashboard/svelte.config.js') })],
        resolve: { conditions: ['browser'] },
        test: { name: 'dashboard', include: ['dashboard/src/**/*.test.ts'], environment: 'happy-dom' },
      },
    ],
  },
});
