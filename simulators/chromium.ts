/**
 * Real Chromium (Debian's `chromium`, driven by playwright-core) for the dashboard's end-to-end
 * tests, the bench and the documentation's screenshots. A machine without it fails with the
 * install command: CI installs it (`.ci/run`), and a skipped browser test would hide a broken
 * dashboard.
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env.HEATWATCH_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);

export async function launchChromium(): Promise<Browser> {
  const executablePath = CANDIDATES.find((p) => fs.existsSync(p));
  if (!executablePath) throw new Error('Chromium not found: apt-get install -y chromium fonts-noto-cjk (or set HEATWATCH_CHROMIUM)');
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}
