import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));
/** `npx vite --config dashboard/vite.config.ts` serves the dashboard with hot reload against this HeatWatch. */
const api = process.env.HEATWATCH_DEV_API ?? 'http://localhost:8080';

export default defineConfig({
  root,
  plugins: [svelte()],
  // One bundle of ~770 kB (~230 kB gzipped: Svelte, Leaflet, the two languages), cached for a year
  // under its hash: splitting it would only add round trips to the dispatcher's first load.
  build: { outDir: path.join(root, 'dist'), emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  server: { proxy: { '/api': api, '/socket.io': { target: api, ws: true } } },
});
