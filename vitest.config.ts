import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

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
        // Svelte components and rune classes, compiled as the browser build compiles them.
        plugins: [svelte({ configFile: path.join(root, 'dashboard/svelte.config.js') })],
        resolve: { conditions: ['browser'] },
        test: { name: 'dashboard', include: ['dashboard/src/**/*.test.ts'], environment: 'happy-dom' },
      },
    ],
  },
});
