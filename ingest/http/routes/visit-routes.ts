/**
 * Visits with on-site measurement (走访测温, issue 16): staff plan a visit, record its form
 * (measurements, signature or refusal with a neighbour's measurement), read them back; the
 * signature is served as the PNG it is. Names and signatures are personal: staff only.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEVICE_ID_PATTERN } from '../../contracts/topics.ts';
import { STAFF_ROLES } from '../../contracts/users.ts';
import { completeVisitSchema, newVisitSchema } from '../../contracts/visits.ts';
import type { VisitService } from '../../services/visit-service.ts';
import type { RoleGuard } from '../authorize.ts';

const tags = ['visits'];
const params = z.object({ id: z.string().max(20) });

export function registerVisitRoutes(fastify: FastifyInstance, { allow, visits }: { allow: RoleGuard; visits: VisitService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/visits',
    { schema: { tags, summary: 'Plan a visit: {householdId, scheduledAt, staff (two or more), ticketId?, customerAskedForNight?, note?}', body: newVisitSchema }, onRequest: allow(...STAFF_ROLES) },
    async (request, reply) => reply.code(201).send(await visits.plan(request.body, request.session!.username)),
  );
  app.get(
    '/api/visits',
    {
      schema: { tags, summary: 'Visits, latest appointment first', querystring: z.object({ householdId: z.string().regex(DEVICE_ID_PATTERN).optional(), status: z.enum(['planned', 'done', 'cancelled']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }).strict() },
      onRequest: allow(...STAFF_ROLES),
    },
    async (request) => ({ visits: await visits.list(request.query) }),
  );
  app.get('/api/visits/:id', { schema: { tags, summary: 'One visit with its form', params }, onRequest: allow(...STAFF_ROLES) }, async (request) => visits.get(request.params.id));
  app.post(
    '/api/visits/:id/complete',
    {
      schema: { tags, summary: "Record the visit's form: measurements, and the signature or the refusal with a neighbour's measurement", params, body: completeVisitSchema },
      onRequest: allow(...STAFF_ROLES),
      // A signature PNG is up to 256 KiB, base64: more than the API's default body limit.
      bodyLimit: 512 * 1024,
    },
    async (request) => visits.complete(request.params.id, request.body, request.session!.username),
  );
  app.post('/api/visits/:id/cancel', { schema: { tags, summary: 'Cancel a planned visit', params }, onRequest: allow(...STAFF_ROLES) }, async (request) => visits.cancel(request.params.id));
  app.get('/api/visits/:id/signature', { schema: { tags, summary: "The customer's signature (PNG)", params }, onRequest: allow(...STAFF_ROLES) }, async (request, reply) =>
    reply.type('image/png').header('cache-control', 'private, no-store').send(await visits.signature(request.params.id)),
  );
}
