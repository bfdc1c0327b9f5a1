/**
 * 交接班 (issue 15): the draft of the sheet, producing it (the outgoing dispatcher), the recent
 * sheets, and acknowledging one (the incoming dispatcher). Staff read; dispatch acts.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acknowledgeHandoverSchema, produceHandoverSchema, sheetAsReadBy, type Handover } from '../../contracts/handovers.ts';
import { DISPATCH_ROLES, STAFF_ROLES } from '../../contracts/users.ts';
import type { HandoverService } from '../../services/handover-service.ts';
import type { RoleGuard } from '../authorize.ts';

const tags = ['handovers'];
const params = z.object({ id: z.coerce.number().int().positive() });

/** A kept sheet as the reader's role may see it (complaints about staff: dispatch only). */
const readable = (h: Handover, role: string): Handover => ({ ...h, sheet: sheetAsReadBy(h.sheet, role) });

export function registerHandoverRoutes(fastify: FastifyInstance, { allow, handovers }: { allow: RoleGuard; handovers: HandoverService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/api/handovers/draft', { schema: { tags, summary: 'The handover sheet as it would be produced now: {incidents, tickets, promises, stops}' }, onRequest: allow(...STAFF_ROLES) }, async (request) =>
    sheetAsReadBy(await handovers.draft(), request.session!.role),
  );
  app.post(
    '/api/handovers',
    { schema: { tags, summary: 'Produce the handover sheet now (kept as produced), with a note for the next shift', body: produceHandoverSchema }, onRequest: allow(...DISPATCH_ROLES) },
    async (request, reply) => reply.code(201).send(await handovers.produce(request.session!.username, request.body?.note ?? '')),
  );
  app.get(
    '/api/handovers',
    { schema: { tags, summary: 'Recent handover sheets, newest first', querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }).strict() }, onRequest: allow(...STAFF_ROLES) },
    async (request) => ({ handovers: (await handovers.list(request.query.limit)).map((h) => readable(h, request.session!.role)) }),
  );
  app.get('/api/handovers/:id', { schema: { tags, summary: 'One handover sheet', params }, onRequest: allow(...STAFF_ROLES) }, async (request) => readable(await handovers.get(request.params.id), request.session!.role));
  app.post(
    '/api/handovers/:id/acknowledge',
    { schema: { tags, summary: 'Take the shift over: acknowledge the sheet (not its author; once)', params, body: acknowledgeHandoverSchema }, onRequest: allow(...DISPATCH_ROLES) },
    async (request) => handovers.acknowledge(request.session!.username, request.params.id, request.body?.note ?? ''),
  );
}
