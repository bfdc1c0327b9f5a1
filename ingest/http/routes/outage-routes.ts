/**
 * Heat stops (停热) and their notices (issue 14): dispatch registers, changes, ends or cancels a
 * stop; every household of the substation is told each time. The public page /notices (and
 * /api/public/stops) shows current and upcoming stops by substation and area — places and
 * times, never a person — for anyone, e.g. a link shared in a WeChat group.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formatBeijing } from '../../contracts/beijing-time.ts';
import { changeOutageSchema, endOutageSchema, newOutageSchema, noticeTemplatesSchema, type PublicStop } from '../../contracts/outages.ts';
import { DEVICE_ID_PATTERN } from '../../contracts/topics.ts';
import { DISPATCH_ROLES, STAFF_ROLES } from '../../contracts/users.ts';
import type { NoticeService } from '../../services/notice-service.ts';
import type { OutageService } from '../../services/outage-service.ts';
import { ALL_ROLES, type RoleGuard } from '../authorize.ts';

const params = z.object({ id: z.coerce.number().int().positive() });
const publicQuery = z.object({ substation: z.string().regex(DEVICE_ID_PATTERN).optional() }).strict();

export interface OutageRouteDeps {
  allow: RoleGuard;
  outages: OutageService;
  notices: NoticeService;
}

export function registerOutageRoutes(fastify: FastifyInstance, { allow, outages, notices }: OutageRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/api/outages', { schema: { tags: ['outages'], summary: 'Heat stops (停热), with their notices; customerChannels: how many channels reach customers' }, onRequest: allow(...ALL_ROLES) }, async () => ({
    outages: await outages.list(),
    customerChannels: await notices.customerChannels(),
  }));

  app.get('/api/outages/:id', { schema: { tags: ['outages'], summary: 'One stop, with its notices: {households, channels, sent, failed, pending, firstSentAt}', params }, onRequest: allow(...ALL_ROLES) }, async (request) =>
    outages.get(request.params.id),
  );

  app.post(
    '/api/outages',
    {
      schema: { tags: ['outages'], summary: 'Register a stop: every household of the substation is told; no tickets for its rooms while it lasts', body: newOutageSchema },
      onRequest: allow(...DISPATCH_ROLES),
    },
    async (request, reply) => reply.code(201).send(await outages.register(request.body, request.session!.username)),
  );

  app.post(
    '/api/outages/:id/change',
    { schema: { tags: ['outages'], summary: 'A new expected restore time (时间变更): the households are told', params, body: changeOutageSchema }, onRequest: allow(...DISPATCH_ROLES) },
    async (request) => outages.change(request.params.id, request.body, request.session!.username),
  );

  app.post(
    '/api/outages/:id/end',
    { schema: { tags: ['outages'], summary: 'Heat is back (恢复供热): the households are told and the rules judge the rooms again', params, body: endOutageSchema.optional() }, onRequest: allow(...DISPATCH_ROLES) },
    async (request) => outages.end(request.params.id, request.body?.at, request.session!.username),
  );

  app.post(
    '/api/outages/:id/cancel',
    { schema: { tags: ['outages'], summary: 'Call off a stop that has not begun: households already told are told it is off', params }, onRequest: allow(...DISPATCH_ROLES) },
    async (request) => outages.cancel(request.params.id, request.session!.username),
  );

  app.get(
    '/api/outages/:id/notices',
    { schema: { tags: ['outages'], summary: 'Every notice of the stop: household, change, channel, status (phones masked for viewers)', params }, onRequest: allow(...ALL_ROLES) },
    async (request) => {
      await outages.find(request.params.id);
      return { notices: await notices.deliveries(request.params.id, (STAFF_ROLES as readonly string[]).includes(request.session!.role)) };
    },
  );

  app.post(
    '/api/outages/:id/notices/retry',
    { schema: { tags: ['outages'], summary: 'Send the failed notices of the stop again', params }, onRequest: allow(...DISPATCH_ROLES) },
    async (request) => {
      await outages.find(request.params.id);
      return { retried: await notices.retryFailed(request.params.id) };
    },
  );

  app.get('/api/notice-templates', { schema: { tags: ['outages'], summary: 'The notices’ wording (停热通知 / 时间变更 / 恢复供热通知 / 取消停热)' }, onRequest: allow(...STAFF_ROLES) }, async () =>
    notices.templates(),
  );

  app.put(
    '/api/notice-templates',
    { schema: { tags: ['outages'], summary: 'Change the notices’ wording: placeholders {{substation}} {{areas}} {{reason}} {{start}} {{restore}}', body: noticeTemplatesSchema }, onRequest: allow('admin') },
    async (request) => {
      await notices.putTemplates(request.body);
      return notices.templates();
    },
  );

  // Public: no login, no person, nothing but places and times.
  app.get('/api/public/stops', { schema: { tags: ['public'], summary: 'Current and upcoming heat stops (no login): substation, areas, reason, start, expected restore', querystring: publicQuery } }, async (request, reply) => {
    reply.header('cache-control', 'public, max-age=60');
    return { stops: outages.publicStops(request.query.substation) };
  });

  app.get('/notices', { schema: { hide: true, querystring: publicQuery } }, async (request, reply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'public, max-age=60');
    return noticesPage(outages.publicStops(request.query.substation), request.query.substation);
  });
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** 2026-12-06T08:00 → 12月6日 08:00 (Beijing time). */
const when = (iso: string) => {
  const s = formatBeijing(Date.parse(iso));
  return `${Number(s.slice(5, 7))}月${Number(s.slice(8, 10))}日 ${s.slice(11, 16)}`;
};

/** A phone-first page of a few kilobytes, server-rendered: no script, no dashboard bundle. */
function noticesPage(stops: PublicStop[], substation: string | undefined): string {
  const card = (s: PublicStop) =>
    `<article class="${s.status}"><h2>${escape(s.substation)}<span>${s.status === 'active' ? '停热中' : '计划停热'}</span></h2>` +
    `<dl><dt>范围</dt><dd>${escape(s.areas || s.substation)}</dd><dt>原因</dt><dd>${escape(s.reason)}</dd>` +
    `<dt>${s.status === 'active' ? '停热时间' : '开始时间'}</dt><dd>${when(s.startsAt)}</dd>` +
    `<dt>预计恢复</dt><dd>${s.expectedRestoreAt ? when(s.expectedRestoreAt) : '抢修中，另行通知'}</dd></dl>` +
    `<p class="updated">更新于 ${when(s.updatedAt)}</p></article>`;
  const body =
    stops.length === 0
      ? `<p class="none">${substation ? '该换热站' : '目前'}没有停热或计划停热，供热正常。</p>`
      : stops.map(card).join('');
  return (
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>停热公告 · 供热服务</title><meta name="description" content="当前及计划停热的范围、原因和预计恢复时间">` +
    `<style>body{font-family:'PingFang SC','Noto Sans CJK SC',system-ui,sans-serif;margin:0;background:#f2f4f7;color:#1d2939;line-height:1.5}` +
    `header{background:#0b3b5c;color:#fff;padding:1rem}header h1{margin:0;font-size:1.25rem}header p{margin:.25rem 0 0;font-size:.85rem;opacity:.85}` +
    `main{padding:.75rem;max-width:40rem;margin:0 auto}article{background:#fff;border-radius:8px;padding:.75rem 1rem;margin-bottom:.75rem;border-left:6px solid #f79009}` +
    `article.active{border-left-color:#d92d20}h2{margin:0 0 .5rem;font-size:1.1rem;display:flex;justify-content:space-between;gap:.5rem}` +
    `h2 span{font-size:.8rem;font-weight:600;color:#b54708}article.active h2 span{color:#b42318}dl{margin:0;display:grid;grid-template-columns:5em 1fr;gap:.25rem .5rem}` +
    `dt{color:#667085}dd{margin:0}.updated{margin:.5rem 0 0;font-size:.8rem;color:#667085}.none{background:#fff;border-radius:8px;padding:1rem}` +
    `footer{text-align:center;font-size:.85rem;color:#667085;padding:1rem}a{color:#14597f}</style></head>` +
    `<body><header><h1>停热公告</h1><p>当前停热及计划停热 · 供热服务热线 <a href="tel:5316206" style="color:#fff">5316206</a></p></header>` +
    `<main>${body}</main><footer>24 小时供热服务热线 5316206</footer></body></html>`
  );
}
