/** The rules file: validated at start with every problem listed, reloaded without a restart. */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { RuleNumbers } from '../ingest/contracts/rule-numbers.ts';
import { createRulesConfigSource } from '../ingest/services/rules-config-source.ts';
import { spawnHeatWatch } from '../simulators/heatwatch-process.ts';
import { ADMIN_PASSWORD, eventually, startWorld, tempDir, type LogEntry, type TestWorld } from './support/heatwatch.ts';

let world: TestWorld | undefined;
afterAll(() => world?.close());

describe('rules file', () => {
  it('refuses to start on an invalid file, listing every problem, exit code 2', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'rules.json');
    fs.writeFileSync(file, JSON.stringify({ roomLow: { belowC: 'cold', recoverAtC: 17 }, deadlines: { leak: -5 }, colour: 'red' }));
    const started = spawnHeatWatch({ HEATWATCH_DATA_DIR: dir, HEATWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD, HEATWATCH_RULES_FILE: file });
    const error = (await started.catch((e: Error) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/exited with 2/);
    for (const word of ['roomLow.belowC', 'deadlines.leak', 'colour']) expect(error.message).toContain(word);
  });

  it('applies a changed file without a restart, and keeps the rules when the new file is invalid', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'rules.json');
    fs.writeFileSync(file, JSON.stringify({ deadlines: { leak: 60 } }));
    const logs: LogEntry[] = [];
    world = await startWorld({ HEATWATCH_RULES_FILE: file }, { onLog: (entry) => logs.push(entry) });
    const leakDue = async () => {
      const t = (await world!.api<{ openedAt: string; dueAt: string }>('POST', '/api/tickets', { type: 'leak', description: '漏水' })).body;
      return (Date.parse(t.dueAt) - Date.parse(t.openedAt)) / 60_000;
    };
    expect(await leakDue()).toBe(60);
    fs.writeFileSync(file, JSON.stringify({ deadlines: { leak: 45 } }));
    await eventually(async () => (await leakDue()) === 45, 10_000);
    fs.writeFileSync(file, '{"deadlines": {"leak": "soon"}}');
    // Wait until HeatWatch has read the bad file and said so, then look: the old rules hold.
    await eventually(() => logs.some((l) => l.msg === 'rules file refused; the previous rules stay in force'), 10_000);
    expect(await leakDue()).toBe(45);
    // An editor's save: a new file written beside it and renamed over it (a new inode).
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ deadlines: { leak: 30 } }));
    fs.renameSync(`${file}.tmp`, file);
    await eventually(async () => (await leakDue()) === 30, 10_000);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ deadlines: { leak: 25 } }));
    fs.renameSync(`${file}.tmp`, file);
    await eventually(async () => (await leakDue()) === 25, 10_000);
  });

  it("serves the numbers in force to the dashboard, and follows the file", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'rules.json');
    fs.writeFileSync(file, JSON.stringify({ roomLow: { belowC: 20, recoverAtC: 20.5 } }));
    const own = await startWorld({ HEATWATCH_RULES_FILE: file });
    try {
      const numbers = async () => (await own.api<RuleNumbers>('GET', '/api/rules')).body;
      expect((await numbers()).roomLow).toMatchObject({ belowC: 20, recoverAtC: 20.5, forMin: 30 });
      expect((await own.api('GET', '/api/rules', undefined, null)).status).toBe(401);
      fs.writeFileSync(file, JSON.stringify({ roomLow: { belowC: 18.5 } }));
      await eventually(async () => (await numbers()).roomLow.belowC === 18.5, 10_000);
    } finally {
      await own.close();
    }
  });

  it('reloads on SIGHUP', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'rules.json');
    fs.writeFileSync(file, JSON.stringify({ deadlines: { leak: 60 } }));
    const hw = await spawnHeatWatch({ HEATWATCH_DATA_DIR: dir, HEATWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD, HEATWATCH_RULES_FILE: file });
    try {
      let out = '';
      hw.child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      // The file is not touched: only the signal can cause the reload.
      hw.child.kill('SIGHUP');
      await eventually(() => out.includes('"msg":"rules reloaded"'), 10_000);
      expect(out).toContain('SIGHUP: reloading the rules file');
      expect(hw.child.exitCode).toBeNull();
    } finally {
      await hw.kill('SIGTERM');
    }
  });
});

describe('working-day calendar', () => {
  it('warns at start when this year or next is missing or provisional, so callbacks are not counted on plain weekdays unnoticed', () => {
    const dir = tempDir();
    const file = path.join(dir, 'workdays.json');
    const year = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
    fs.writeFileSync(file, JSON.stringify({ [year]: { holidays: [], workdays: [], note: 'PROVISIONAL: not yet published' } }));
    const lines: { msg: string; year: number }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    createRulesConfigSource({ workdaysFile: file, logger }).close();
    expect(lines.map((l) => [l.year, l.msg.split(':')[0]])).toEqual([
      [year, 'the working-day calendar for this year is provisional'],
      [year + 1, 'the working-day calendar has no holidays for this year'],
    ]);
  });
});
