/**
 * HeatWatch's ticket service and alerting wired as app.ts wires them, on one SQLite file and one
 * injected clock, paging through real webhook channels to a real HTTP receiver: for the tests
 * that follow a ticket's pages through time without a whole server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { channelConfigSchema, createNotifier } from '../../ingest/adapters/notifiers/create-notifier.ts';
import { openDatabase } from '../../ingest/adapters/sqlite/open-database.ts';
import { createSqliteAlertStore } from '../../ingest/adapters/sqlite/sqlite-alert-store.ts';
import { createSqliteTicketStore } from '../../ingest/adapters/sqlite/sqlite-ticket-store.ts';
import type { Roster } from '../../ingest/core/alerting/roster.ts';
import { callbackDueAt, complexAnswerDueAt, dueAt } from '../../ingest/core/calendar/deadlines.ts';
import { DEFAULT_WORKDAY_CALENDAR } from '../../ingest/core/calendar/default-workday-calendar.ts';
import { DEFAULT_RULES_CONFIG } from '../../ingest/core/rules/rules-config.ts';
import { createAckLinks } from '../../ingest/services/ack-links.ts';
import { createAlertingService } from '../../ingest/services/alerting-service.ts';
import { createTicketService } from '../../ingest/services/ticket-service.ts';

/** A webhook receiver: every message with the path it was posted to. */
export async function startReceiver() {
  const received: { path: string; body: Record<string, unknown> }[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(raw || '{}') as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** `channels`: webhook channel ids, each posting to `<receiverUrl>/<id>`. */
export async function ticketsWithAlerting(dataDir: string, clock: { now: number }, { receiverUrl, roster, channels }: { receiverUrl: string; roster: Roster; channels: string[] }) {
  const db = openDatabase(dataDir);
  const alertStore = createSqliteAlertStore(db);
  const ticketStore = createSqliteTicketStore(db);
  const tickets = createTicketService({
    store: ticketStore,
    deadlines: {
      dueAt: (type, at) => dueAt(type, at, DEFAULT_RULES_CONFIG),
      complexAnswerDueAt: (at) => complexAnswerDueAt(at, DEFAULT_RULES_CONFIG),
      callbackDueAt: (at) => callbackDueAt(at, DEFAULT_WORKDAY_CALENDAR, DEFAULT_RULES_CONFIG),
    },
    device: () => undefined,
    clock: () => clock.now,
  });
  const alerting = createAlertingService({
    store: alertStore,
    tickets,
    timeline: tickets.timeline,
    device: () => undefined,
    notifierFor: (c) => createNotifier(channelConfigSchema.parse(c.config)),
    links: createAckLinks(Buffer.alloc(32, 7), () => 'http://heatwatch.test'),
    clock: () => clock.now,
    logger: pino({ level: 'silent' }),
  });
  tickets.onOpened(alerting.onTicketOpened);
  tickets.onChange((t) => void alerting.onTicketChanged(t));
  await alertStore.putSetting('roster', roster, clock.now);
  for (const id of channels) await alertStore.putChannel({ id, name: id, config: { type: 'webhook', url: `${receiverUrl}/${id}` }, enabled: true, createdAt: clock.now });
  return {
    tickets,
    ticketStore,
    alertStore,
    alerting,
    close: async () => {
      await alerting.close();
      db.close();
    },
  };
}
