/**
 * Runs the pure rules core inside the process: loads the rules file (HEATWATCH_RULES_FILE, or
 * the defaults) and the working-day calendar, feeds it every durable batch and a wall-clock
 * tick, and hands its events to the ticket service. A changed rules file is reloaded without a
 * restart; an invalid one is refused with every problem listed and the running rules stay.
 */
import fs from 'node:fs';
import type { Logger } from 'pino';
import type { Reading } from '../contracts/payloads.ts';
import { callbackDueAt, complexAnswerDueAt, dueAt } from '../core/calendar/deadlines.ts';
import { localDateOf, yearOf } from '../contracts/beijing-time.ts';
import { parseWorkdayCalendar, type WorkdayCalendar } from '../core/calendar/working-days.ts';
import { DEFAULT_RULES_CONFIG, parseRulesConfig, type RulesConfig } from '../core/rules/rules-config.ts';
import { createRulesEngine } from '../core/rules/rules-engine.ts';
import type { OpenEpisode, RuleDevice, RuleEvent, RulesEngine } from '../core/rules/rule-types.ts';
import type { Deadlines } from './ticket-service.ts';

export interface RulesRuntimeDeps {
  rulesFile?: string;
  workdaysFile: string;
  device: (id: string) => RuleDevice | undefined;
  roomsOf: (substationId: string) => string[];
  suppressed: (deviceId: string, substationId: string | null, at: number) => boolean;
  onEvents: (events: RuleEvent[]) => void;
  /**
   * Episodes the database still has open: a fresh engine (at start, after a reload) learns them,
   * so a room that warms up after a restart still gets its ticket marked recovered.
   */
  openEpisodes?: () => OpenEpisode[];
  logger: Logger;
}

export function loadRulesFile(file: string | undefined): RulesConfig {
  if (!file) return DEFAULT_RULES_CONFIG;
  return parseRulesConfig(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/**
 * Callbacks due this year or next are counted on the working-day calendar: a year missing from
 * it (plain Monday–Friday) or marked provisional gets a warning at start, so an admin updates
 * the file before a Spring Festival callback is due on a holiday.
 */
function warnOfCalendarGaps(calendar: WorkdayCalendar, now: number, file: string, log: Logger): void {
  const year = yearOf(localDateOf(now));
  for (const y of [year, year + 1]) {
    if (!calendar.coveredYears.has(y)) log.warn({ year: y, file }, 'the working-day calendar has no holidays for this year: callbacks count Monday–Friday only');
    else if (/^PROVISIONAL/i.test(calendar.notes[String(y)] ?? '')) log.warn({ year: y, file }, 'the working-day calendar for this year is provisional: replace it with the State Council schedule');
  }
}

export function createRulesRuntime(d: RulesRuntimeDeps) {
  const log = d.logger.child({ component: 'rules' });
  let config = loadRulesFile(d.rulesFile);
  const calendar: WorkdayCalendar = parseWorkdayCalendar(JSON.parse(fs.readFileSync(d.workdaysFile, 'utf8')));
  const build = (c: RulesConfig): RulesEngine => {
    const fresh = createRulesEngine(c, { device: d.device, roomsOf: d.roomsOf, suppressed: d.suppressed, outdoorTemp: () => undefined });
    fresh.seedOpen(d.openEpisodes?.() ?? []);
    return fresh;
  };
  let engine = build(config);
  warnOfCalendarGaps(calendar, Date.now(), d.workdaysFile, log);

  let watcher: fs.FSWatcher | undefined;
  if (d.rulesFile) {
    watcher = fs.watch(d.rulesFile, () => {
      try {
        config = loadRulesFile(d.rulesFile);
        engine = build(config);
        log.info({ file: d.rulesFile }, 'rules reloaded');
      } catch (err) {
        log.error({ err: (err as Error).message, file: d.rulesFile }, 'rules file refused; the previous rules stay in force');
      }
    });
  }

  const deadlines: Deadlines = {
    dueAt: (type, openedAt) => dueAt(type, openedAt, config),
    complexAnswerDueAt: (openedAt) => complexAnswerDueAt(openedAt, config),
    callbackDueAt: (resolvedAt) => callbackDueAt(resolvedAt, calendar, config),
  };

  return {
    deadlines,
    onReadings(readings: readonly Reading[]): void {
      const events = engine.onReadings(readings);
      if (events.length > 0) d.onEvents(events);
    },
    onTick(now: number): void {
      const events = engine.onTick(now);
      if (events.length > 0) d.onEvents(events);
    },
    /** A message came but every reading in it was refused: alive for the offline rule. */
    onSeen(deviceId: string, at: number): void {
      const events = engine.onSeen(deviceId, at);
      if (events.length > 0) d.onEvents(events);
    },
    close(): void {
      watcher?.close();
    },
  };
}
