/**
 * 定期走访 (issue 16): a round of visits through a substation's households on one day. Planned
 * visits are visits like any other (GET /api/visits, the form, the cancel).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { STAFF_ROLES } from '../../contracts/users.ts';
import { visitRoundSchema } from '../../contracts/visits.ts';
import type { VisitRounds } from '../../services/visit-round-service.ts';
import type { RoleGuard } from '../authorize.ts';

export function registerVisitRoundRoutes(fastify: FastifyInstance, { allow, rounds }: { allow: RoleGuard; rounds: VisitRounds }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/visits/round',
    {
      schema: {
        tags: ['visits'],
        summary: '定期走访: a visit for every household of the substation not yet visited that day, minutesEach apart from startAt, none into 20:00–07:00 → {planned, skipped}',
        body: visitRoundSchema,
      },
      onRequest: allow(...STAFF_ROLES),
    },
    async (request, reply) => {
      const round = await rounds.round(request.body, request.session!.username);
      return reply.code(round.planned.length > 0 ? 201 : 200).send(round);
    },
  );
}
