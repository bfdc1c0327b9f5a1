/**
 * Alerting over HTTP (issue 6): the duty roster and "who is paged right now", the policy, the
 * channels (secrets stored, never echoed: a redacted value sent back keeps the stored secret),
 * a ticket's delivery log, and acknowledging from the link in a message.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { channelConfigSchema, REDACTED, redactChannelConfig } from '../../adapters/notifiers/create-notifier.ts';
import { alertPolicySchema } from '../../core/alerting/alert-policy.ts';
import { rosterSchema } from '../../core/alerting/roster.ts';
import { AppError } from '../../errors.ts';
import type { AlertStore, StoredChannel } from '../../ports/alert-store.ts';
import type { AlertingService } from '../../services/alerting-service.ts';
import { STAFF_ROLES } from '../../contracts/users.ts';
import type { RoleGuard } from '../authorize.ts';
import { parseOr400 } from '../parse.ts';

const idParams = z.object({ id: z.string().max(64) });
const channelParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a channel id is letters, digits, _ and -, 1 to 64 characters') });
const tokenParams = z.object({ token: z.string() });
/** The people a test message goes to (roster ids); none: the channel's own group. */
const channelTestBody = z.object({ people: z.array(z.string().max(64)).max(100).optional() }).strict().optional();

const channelInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    enabled: z.boolean().default(true),
    config: z.record(z.string(), z.unknown()),
  })
  .strict();

const onDutyQuery = z
  .object({
    substationId: z.string().max(64).optional(),
    at: z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)).optional(),
  })
  .strict();

/** A redacted value sent back (the dashboard round-trips what it was shown) keeps the stored secret. */
function keepSecrets(given: unknown, stored: unknown): unknown {
  if (given === REDACTED) return stored;
  if (typeof given === 'string' && stored !== undefined && typeof stored === 'string' && given.includes(REDACTED)) return stored;
  if (given && typeof given === 'object' && !Array.isArray(given)) {
    const prev = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(given as Record<string, unknown>).map(([k, v]) => [k, keepSecrets(v, prev[k])]));
  }
  return given;
}

/** Where a channel's messages (and so its secrets) go: the SMTP server, or the URL's origin. */
function destinationOf(config: Record<string, unknown>): string {
  if (typeof config.host === 'string') return `smtp://${config.host}:${String(config.port ?? '')}`;
  if (typeof config.url !== 'string') return '';
  try {
    return new URL(config.url).origin;
  } catch {
    return config.url;
  }
}

function holdsRedacted(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(REDACTED);
  if (value && typeof value === 'object') return Object.values(value).some(holdsRedacted);
  return false;
}

const view = (c: StoredChannel) => ({ id: c.id, name: c.name, enabled: c.enabled, config: redactChannelConfig(c.config as never), createdAt: new Date(c.createdAt).toISOString() });

export interface AlertingRouteDeps {
  allow: RoleGuard;
  alerting: AlertingService;
  store: Pick<AlertStore, 'channels' | 'putChannel' | 'deleteChannel'>;
  acknowledge: (ticketId: string, actor: string) => Promise<unknown>;
  /** Whether the role may see the ticket (a complaint about staff: dispatch only). */
  mayRead: (role: string, ticketId: string) => Promise<boolean>;
  links: { verify(token: string, now: number): { ticketId: string; person: string } | { refused: string } };
  clock?: () => number;
}

export function registerAlertingRoutes(fastify: FastifyInstance, { allow, alerting, store, acknowledge, mayRead, links, clock = Date.now }: AlertingRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['alerting'];

  app.get('/api/alerting/roster', { schema: { tags, summary: 'The duty roster: people, teams, shifts' }, onRequest: allow(...STAFF_ROLES) }, async () => alerting.roster());
  app.put('/api/alerting/roster', { schema: { tags, summary: 'Replace the duty roster', body: rosterSchema }, onRequest: allow('admin') }, async (request) => {
    await alerting.putRoster(request.body);
    return request.body;
  });
  app.get('/api/alerting/on-duty', { schema: { tags, summary: 'Who is paged right now (or at `at`) for a substation', querystring: onDutyQuery }, onRequest: allow(...STAFF_ROLES) }, async (request) => {
    const q = request.query;
    const duty = await alerting.onDuty(q.substationId ?? null, q.at);
    return { substationId: q.substationId ?? null, at: new Date(q.at ?? clock()).toISOString(), ...duty };
  });

  app.get('/api/alerting/duty-board', { schema: { tags, summary: 'Every team and who is on duty in it now (or at `at`)', querystring: onDutyQuery.pick({ at: true }) }, onRequest: allow(...STAFF_ROLES) }, async (request) => {
    const at = request.query.at ?? clock();
    // The channels by name (a dispatcher reads "抢修群 webhook", not "hook-2"), secrets never.
    const names = new Map((await store.channels()).map((c) => [c.id, c.name]));
    return { at: new Date(at).toISOString(), teams: (await alerting.dutyBoard(at)).map((e) => ({ ...e, channelNames: e.team.channels.map((id) => names.get(id) ?? id) })) };
  });

  app.get('/api/alerting/policy', { schema: { tags, summary: 'Who is told what and when, per ticket type' }, onRequest: allow(...STAFF_ROLES) }, async () => alerting.policy());
  app.put('/api/alerting/policy', { schema: { tags, summary: 'Replace the alerting policy', body: alertPolicySchema }, onRequest: allow('admin') }, async (request) => {
    await alerting.putPolicy(request.body);
    return request.body;
  });

  app.get('/api/alerting/channels', { schema: { tags, summary: 'Notification channels (secrets hidden)' }, onRequest: allow('admin') }, async () => ({
    channels: (await store.channels()).map(view),
    failing: alerting.failingChannels(),
  }));
  app.put(
    '/api/alerting/channels/:id',
    { schema: { tags, summary: 'Create or replace a channel', params: channelParams, body: channelInput }, onRequest: allow('admin') },
    async (request) => {
      const { id } = request.params;
      const input = request.body;
      const stored = (await store.channels()).find((c) => c.id === id);
      // A kept secret goes only where it went before: a new destination needs the secret typed again.
      if (holdsRedacted(input.config)) {
        const before = stored ? destinationOf(stored.config as Record<string, unknown>) : '';
        const after = destinationOf(input.config);
        if (!stored || stored.config.type !== input.config.type || before !== after) {
          throw new AppError('HW_SECRET_REQUIRED', `the channel's destination changed${stored ? ` (${before} → ${after})` : ''}: enter its secrets again instead of ${REDACTED}`);
        }
      }
      const { config } = parseOr400(z.object({ config: channelConfigSchema }), { config: keepSecrets(input.config, stored?.config) });
      const channel: StoredChannel = { id, name: input.name, enabled: input.enabled, config, createdAt: stored?.createdAt ?? clock() };
      await store.putChannel(channel);
      return view(channel);
    },
  );
  app.delete('/api/alerting/channels/:id', { schema: { tags, summary: 'Remove a channel', params: idParams }, onRequest: allow('admin') }, async (request, reply) => {
    if (!(await store.deleteChannel(request.params.id))) throw new AppError('HW_NOT_FOUND', `no channel ${request.params.id}`);
    return reply.code(204).send();
  });
  app.post(
    '/api/alerting/channels/:id/test',
    { schema: { tags, summary: 'Send a test message through a channel to the people named (roster ids)', params: idParams, body: channelTestBody }, onRequest: allow('admin') },
    async (request) => {
      const channel = (await store.channels()).find((c) => c.id === request.params.id);
      if (!channel) throw new AppError('HW_NOT_FOUND', `no channel ${request.params.id}`);
      const people = request.body?.people ?? [];
      const roster = await alerting.roster();
      const to = roster.people.filter((p) => people.includes(p.id));
      try {
        await alerting.test(channel, to);
      } catch (err) {
        throw new AppError('HW_CHANNEL_FAILED', (err as Error).message);
      }
      return { sent: true, to: to.map((p) => p.name) };
    },
  );

  app.get('/api/tickets/:id/deliveries', { schema: { tags, summary: "The ticket's notifications and their delivery", params: idParams }, onRequest: allow(...STAFF_ROLES) }, async (request) => {
    if (!(await mayRead(request.session!.role, request.params.id))) throw new AppError('HW_NOT_FOUND', `no ticket ${request.params.id}`);
    return { deliveries: (await alerting.deliveriesFor(request.params.id)).map((x) => ({
      id: x.id,
      kind: x.kind,
      channelId: x.channelId,
      recipients: x.recipients.map((r) => r.name),
      title: x.title,
      status: x.status,
      attempts: x.attempts,
      lastError: x.lastError,
      createdAt: new Date(x.createdAt).toISOString(),
      sentAt: x.sentAt === null ? null : new Date(x.sentAt).toISOString(),
    })) };
  });

  // The link in a message: GET shows what it will do (chat apps open links to preview them; a
  // GET must not act), the button POSTs.
  const page = (title: string, body: string) =>
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>` +
    `<style>body{font-family:'PingFang SC','Noto Sans CJK SC',system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1d2939}th{text-align:left;padding-right:1rem;color:#667085;font-weight:normal;vertical-align:top}button{font:inherit;background:#14597f;color:#fff;border:0;border-radius:6px;padding:.7rem 1.4rem}</style>` +
    `</head><body>${body}</body></html>`;
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const REFUSED: Record<string, string> = { expired: '链接已过期，请在调度台接单。This link has expired.', bad_signature: '链接无效。This link is not valid.', malformed: '链接无效。This link is not valid.' };

  app.get('/ack/:token', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    const claim = links.verify(request.params.token, clock());
    reply.type('text/html; charset=utf-8');
    if ('refused' in claim) return reply.code(403).send(page('HeatWatch', `<p>${REFUSED[claim.refused]}</p>`));
    const t = await alerting.ackView(claim.ticketId, claim.person);
    if (!t) return reply.code(404).send(page('HeatWatch', `<p>工单 ${escape(claim.ticketId)} 不存在。No such ticket.</p>`));
    // What is being acknowledged, before anyone confirms it.
    const row = (label: string, value: string) => `<tr><th>${label}</th><td>${escape(value)}</td></tr>`;
    return page(
      `接单 ${t.ticketId}`,
      `<h1>${escape(t.type)} · ${escape(t.ticketId)}</h1><table>${row('地点', t.place)}${row('时限', t.dueAt ?? '—')}${row('情况', t.description)}</table>` +
        `<p>${escape(t.person)}，确认接单？ Acknowledge this ticket?</p><form method="post"><button type="submit">确认接单 Acknowledge</button></form>`,
    );
  });
  // The confirmation page's form posts url-encoded and empty: nothing in it is read.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, _body, done) => done(null, {}));
  app.post('/ack/:token', { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
    const claim = links.verify(request.params.token, clock());
    reply.type('text/html; charset=utf-8');
    if ('refused' in claim) return reply.code(403).send(page('HeatWatch', `<p>${REFUSED[claim.refused]}</p>`));
    const person = (await alerting.ackView(claim.ticketId, claim.person))?.person ?? claim.person;
    try {
      await acknowledge(claim.ticketId, person);
    } catch (err) {
      if (err instanceof AppError && err.code === 'HW_TICKET_STEP') return page('HeatWatch', `<p>工单 ${escape(claim.ticketId)} 已被接单或已处理。Already acknowledged.</p>`);
      throw err;
    }
    return page('HeatWatch', `<h1>已接单 ${escape(claim.ticketId)}</h1><p>已记录在工单处理记录中。Acknowledged; it is in the ticket's timeline.</p>`);
  });
}
