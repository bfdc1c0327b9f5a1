/**
 * mqtt-packet's loggers are no-ops unless DEBUG names them (broker/quiet-packet-debug.ts), and
 * every other user of `debug` keeps the real one. Each case runs in a fresh Node process: the
 * change is made once, as modules load.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function probe(env: Record<string, string> = {}): { parser: string; other: string; packetLine: boolean } {
  const script = `
    await import('./broker/quiet-packet-debug.ts');
    const { createRequire } = await import('node:module');
    const debug = createRequire(process.cwd() + '/node_modules/mqtt-packet/parser.js')('debug');
    const parser = debug('mqtt-packet:parser');
    const other = debug('heatwatch-probe:other');
    parser('parsed a packet');
    console.log(JSON.stringify({ parser: parser.namespace, other: other.namespace }));
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), env: { ...process.env, DEBUG: '', ...env }, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return { ...(JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { parser: string; other: string }), packetLine: run.stderr.includes('parsed a packet') };
}

describe("mqtt-packet's debug calls", () => {
  it('cost nothing while debugging is off; other namespaces keep the real logger', () => {
    expect(probe()).toEqual({ parser: 'mqtt-packet', other: 'heatwatch-probe:other', packetLine: false });
  });

  it('log as before when DEBUG names mqtt-packet', () => {
    expect(probe({ DEBUG: 'mqtt-packet:*' })).toEqual({ parser: 'mqtt-packet:parser', other: 'heatwatch-probe:other', packetLine: true });
  });
});
