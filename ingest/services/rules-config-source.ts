/**
 * The rules in force: the rules file (HEATWATCH_RULES_FILE, or the defaults) and the working-day
 * calendar, read at start and reloaded without a restart — when the file changes (an editor's
 * save by rename included) or on SIGHUP. Read by the rules engine and by the deadlines the ticket
 * service sets, so neither reaches into the other. A file that does not parse or validate is
 * refused with every problem listed, and the rules in force stay.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { localDateOf, yearOf } from '../contracts/beijing-time.ts';
import type { RuleNumbers } from '../contracts/rule-numbers.ts';
import type { TicketType } from '../contracts/tickets.ts';
import { callbackDueAt, complexAnswerDueAt, dueAt } from '../core/calendar/deadlines.ts';
import { parseWorkdayCalendar, type WorkdayCalendar } from '../core/calendar/working-days.ts';
import { DEFAULT_RULES_CONFIG, parseRulesConfig, type RulesConfig } from '../core/rules/rules-config.ts';
import { AppError } from '../errors.ts';

export interface Deadlines {
  /** When the type's milestone is due for a ticket opened at `openedAt`; null: no deadline. */
  dueAt(type: TicketType, openedAt: number): number | null;
  /** 服务承诺 二.4(3): a complex inquiry's full answer, five days after the call. */
  complexAnswerDueAt(openedAt: number): number;
  /** 服务承诺 二.1(7): the callback within 3 working days of the resolution. */
  callbackDueAt(resolvedAt: number): number;
}

export interface RulesConfigSourceOptions {
  rulesFile?: string;
  workdaysFile: string;
  logger: Logger;
  /** How long the file must be quiet before it is read: an editor writes in several steps. */
  debounceMs?: number;
}

/** Reads and validates a rules file; HW_RULES_INVALID (with every problem) when it is not valid. */
export function loadRulesFile(file: string | undefined): RulesConfig {
  if (!file) return DEFAULT_RULES_CONFIG;
  try {
    return parseRulesConfig(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch (err) {
    throw new AppError('HW_RULES_INVALID', `${file}: ${(err as Error).message}`, { cause: err });
  }
}

function loadCalendar(file: string): WorkdayCalendar {
  try {
    return parseWorkdayCalendar(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch (err) {
    throw new AppError('HW_CALENDAR_INVALID', `${file}: ${(err as Error).message}`, { cause: err });
  }
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

export function createRulesConfigSource(o: RulesConfigSourceOptions) {
  const log = o.logger.child({ component: 'rules' });
  let config = loadRulesFile(o.rulesFile);
  const calendar = loadCalendar(o.workdaysFile);
  warnOfCalendarGaps(calendar, Date.now(), o.workdaysFile, log);
  const listeners: ((c: RulesConfig) => void)[] = [];

  /** Reads the rules file again; true when the new rules are in force. */
  function reload(): boolean {
    if (!o.rulesFile) return false;
    let next: RulesConfig;
    try {
      next = loadRulesFile(o.rulesFile);
    } catch (err) {
      log.error({ err: (err as Error).message, file: o.rulesFile }, 'rules file refused; the previous rules stay in force');
      return false;
    }
    config = next;
    for (const listener of listeners) listener(config);
    log.info({ file: o.rulesFile }, 'rules reloaded');
    return true;
  }

  // The directory is watched, not the file: an editor that saves by writing a new file and
  // renaming it over the old one replaces the inode a file watch would follow.
  let watcher: fs.FSWatcher | undefined;
  let pending: ReturnType<typeof setTimeout> | undefined;
  if (o.rulesFile) {
    const name = path.basename(o.rulesFile);
    watcher = fs.watch(path.dirname(o.rulesFile), (_event, changed) => {
      if (changed !== null && changed !== name) return;
      clearTimeout(pending);
      pending = setTimeout(reload, o.debounceMs ?? 200);
    });
  }

  const deadlines: Deadlines = {
    dueAt: (type, openedAt) => dueAt(type, openedAt, config),
    complexAnswerDueAt: (openedAt) => complexAnswerDueAt(openedAt, config),
    callbackDueAt: (resolvedAt) => callbackDueAt(resolvedAt, calendar, config),
  };

  return {
    current: (): RulesConfig => config,
    /** What the dashboard draws with (GET /api/rules). */
    numbers: (): RuleNumbers => ({
      roomLow: { belowC: config.roomLow.belowC, forMin: config.roomLow.forMin, recoverAtC: config.roomLow.recoverAtC, roomTypes: [...config.roomLow.roomTypes] },
      suddenDrop: { dropC: config.suddenDrop.dropC, withinMin: config.suddenDrop.withinMin },
      offline: { intervals: config.offline.intervals },
    }),
    deadlines,
    /** Called with the new rules after each successful reload. */
    onChange(listener: (c: RulesConfig) => void): void {
      listeners.push(listener);
    },
    reload,
    close(): void {
      clearTimeout(pending);
      watcher?.close();
    },
  };
}

export type RulesConfigSource = ReturnType<typeof createRulesConfigSource>;
