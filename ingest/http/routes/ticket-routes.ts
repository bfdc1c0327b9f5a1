import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ticketsCsv, writeTicketsWorkbook } from '../../adapters/export/ticket-export.ts';
import { AppError } from '../../errors.ts';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acknowledgeSchema, assignSchema, callbackSchema, diagnoseSchema, hotlineTicketSchema, mayReadTicket, negotiateSchema, resolveSchema, stepSchema, ticketQuerySchema, type Ticket } from '../../contracts/tickets.ts';
import { STEP_RULES, STEPS, type Step } from '../../contracts/ticket-lifecycle.ts';
import type { DeviceRegistry } from '../../ports/device-registry.ts';
import type { TelemetryStore } from '../../ports/telemetry-store.ts';
import type { TicketService } from '../../services/ticket-service.ts';
import { DISPATCH_ROLES, STAFF_ROLES } from '../../contracts/users.ts';
import type { HouseholdService } from '../../services/household-service.ts';
import { ALL_ROLES, type RoleGuard } from '../authorize.ts';

const HOUR = 3_600_000;

const ticketParams = z.object({ id: z.string().max(64) });
/**
 * What each step takes: resolving needs the cause (unless it was found already), finding it the
 * explanation given to the customer too, the callback what the customer said and the number
 * called, negotiation the department; the others may be posted with no body.
 */
const STEP_BODIES: Partial<Record<Step, z.ZodType>> = { resolve: resolveSchema, callback: callbackSchema, diagnose: diagnoseSchema, negotiate: negotiateSchema };
const stepBody = (step: Step) => STEP_BODIES[step] ?? (step === 'acknowledge' ? acknowledgeSchema : stepSchema).optional();

export interface TicketRouteDeps {
  allow: RoleGuard;
  tickets: TicketService;
  registry: Pick<DeviceRegistry, 'get'>;
  store: Pick<TelemetryStore, 'read'>;
  /** The household behind a room's ticket (staff roles only). */
  households: Pick<HouseholdService, 'forDevice'>;
  /** The duty roster's people (派单 goes to one of them), and telling the one a ticket was given to. */
  people: () => Promise<{ id: string; name: string; username?: string }[]>;
  /** The roster's teams and shifts: a staff complaint names a team, and is never given to it. */
  roster: () => Promise<{ teams: { id: string }[]; shifts: { team: string; person: string }[] }>;
  pageAssignee: (t: Ticket, personId: string) => Promise<void>;
  clock?: () => number;
}

export function registerTicketRoutes(fastify: FastifyInstance, { allow, tickets, registry, store, households, people, roster, pageAssignee, clock = Date.now }: TicketRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  /**
   * 一.5: complaints about staff are read by dispatch only (the service centre and the duty
   * managers); to anyone else such a ticket does not exist.
   */
  const readable = async (role: string, id: string) => {
    const t = await tickets.find(id);
    if (!t || !mayReadTicket(role, t)) throw new AppError('HW_NOT_FOUND', `no ticket ${id}`);
    return t;
  };
  app.get(
    '/api/tickets',
    {
      schema: { tags: ['tickets'], summary: 'Tickets: open ones first by deadline; with from–to (Beijing dates) those opened then, in order, also as csv or xlsx with the steps\' times', querystring: ticketQuerySchema },
      onRequest: allow(...ALL_ROLES),
    },
    async (request, reply) => {
      const q = request.query;
      if (q.assignee === 'me') {
        // 我的工单: what was given to the roster person linked to this login.
        const me = (await people()).find((p) => p.username === request.session!.username);
        if (!me) return { tickets: [] };
        q.assignee = me.id;
      }
      const role = request.session!.role;
      const list = (await tickets.list(q)).filter((t) => mayReadTicket(role, t));
      if (q.format === 'json') return { tickets: list };
      if (!q.from || !q.to) throw new AppError('HW_BAD_REQUEST', 'query format: csv and xlsx need a `from`–`to` range');
      const steps = await tickets.stepTimes(q.from, q.to);
      const nameOf = (id: string) => registry.get(id)?.name;
      const file = `heatwatch-tickets-${q.from}-${q.to}`;
      if (q.format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}.csv"`).send(ticketsCsv(list, steps, nameOf));
      const out = new PassThrough();
      writeTicketsWorkbook(out, list, steps, nameOf).catch((err: unknown) => out.destroy(err as Error));
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', `attachment; filename="${file}.xlsx"`).send(out);
    },
  );

  app.get(
    '/api/tickets/:id',
    { schema: { tags: ['tickets'], summary: 'One ticket with its timeline and the readings around the event', params: ticketParams }, onRequest: allow(...ALL_ROLES) },
    async (request) => {
      await readable(request.session!.role, request.params.id);
      const { ticket, timeline } = await tickets.get(request.params.id);
      const device = ticket.deviceId ? registry.get(ticket.deviceId) : undefined;
      let readings: Record<string, unknown>[] = [];
      if (device) {
        // Around the event: a replayed or buffered episode opens its ticket long after it happened.
        const at = Date.parse(ticket.eventAt ?? ticket.openedAt);
        const rows = await store.read({ deviceId: device.id, kind: device.kind, from: at - 12 * HOUR, to: Math.min(clock(), at + 12 * HOUR) + 1, everyMs: 5 * 60_000, limit: 1000 });
        readings = rows.map((r) => ({ ts: new Date(r.ts).toISOString(), ...r.values }));
      }
      // Who lives there: personal data, for staff roles only (a viewer sees none).
      const staff = (STAFF_ROLES as readonly string[]).includes(request.session!.role);
      const household = staff && device?.kind === 'room' ? ((await households.forDevice(device.id)) ?? null) : null;
      return { ...ticket, timeline, readings, household };
    },
  );

  app.post(
    '/api/tickets/:id/assign',
    { schema: { tags: ['tickets'], summary: '派单: give the ticket (an incident with its rooms) to a person of the duty roster; they are paged', params: ticketParams, body: assignSchema }, onRequest: allow(...DISPATCH_ROLES) },
    async (request) => {
      const person = (await people()).find((p) => p.id === request.body.personId);
      if (!person) throw new AppError('HW_BAD_REQUEST', `no person ${request.body.personId} in the duty roster`);
      const t = await readable(request.session!.role, request.params.id);
      if (t.accusedTeam !== null && (await roster()).shifts.some((s) => s.person === person.id && s.team === t.accusedTeam)) {
        throw new AppError('HW_CONFLICT', `${person.name} is in team ${t.accusedTeam}, which the complaint is about: give it to someone outside that team`);
      }
      const { ticket, changed } = await tickets.assign(request.params.id, { id: person.id, name: person.name }, request.session!.username, request.body.note);
      if (changed) await pageAssignee(ticket, person.id);
      return ticket;
    },
  );

  app.post(
    '/api/tickets',
    { schema: { tags: ['tickets'], summary: "Open a ticket from a customer's report: by the 5316206 hotline (default) or another intake channel", body: hotlineTicketSchema }, onRequest: allow(...DISPATCH_ROLES) },
    async (request, reply) => {
      const { accusedTeam } = request.body;
      if (accusedTeam !== undefined && !(await roster()).teams.some((team) => team.id === accusedTeam)) throw new AppError('HW_BAD_REQUEST', `accusedTeam: no team ${accusedTeam} in the duty roster`);
      return reply.code(201).send(await tickets.hotline(request.body, request.session!.username));
    },
  );

  for (const step of STEPS) {
    const r = STEP_RULES[step];
    app.post(
      `/api/tickets/:id/${r.path}`,
      { schema: { tags: ['tickets'], summary: `Lifecycle step: ${r.path}`, params: ticketParams, body: stepBody(step) }, onRequest: allow(...r.roles) },
      async (request) => {
        await readable(request.session!.role, request.params.id);
        return tickets.step(request.params.id, step, request.session!.username, request.body ?? {});
      },
    );
  }
}
