/**
 * Search and a caller's history (issue 15): staff roles only — both can show names and phones.
 * Complaints about staff are left out for whoever may not read them.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { mayReadTicket } from '../../contracts/tickets.ts';
import { STAFF_ROLES } from '../../contracts/users.ts';
import { AppError } from '../../errors.ts';
import type { SearchService } from '../../services/search-service.ts';
import type { RoleGuard } from '../authorize.ts';

export function registerSearchRoutes(fastify: FastifyInstance, { allow, search }: { allow: RoleGuard; search: SearchService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/search',
    {
      schema: { tags: ['tickets'], summary: 'One box: ticket number, device id/name/address, household or caller name/phone (however typed) → {tickets, devices, households}, 10 each', querystring: z.object({ q: z.string().trim().min(1).max(100) }).strict() },
      onRequest: allow(...STAFF_ROLES),
    },
    async (request) => {
      const found = await search.search(request.query.q);
      return { ...found, tickets: found.tickets.filter((t) => mayReadTicket(request.session!.role, t)) };
    },
  );
  app.get(
    '/api/callers/history',
    {
      schema: { tags: ['tickets'], summary: "A caller's earlier tickets (来电弹屏), newest first, and the households with that number", querystring: z.object({ phone: z.string().trim().min(1).max(40) }).strict() },
      onRequest: allow(...STAFF_ROLES),
    },
    async (request) => {
      const found = await search.history(request.query.phone);
      return { ...found, tickets: found.tickets.filter((t) => mayReadTicket(request.session!.role, t)) };
    },
  );
  app.get(
    '/api/households/:id/history',
    {
      schema: { tags: ['households'], summary: "A household's page: the household and its tickets (about its sensors, or called in from its phone), newest first, 50 at most", params: z.object({ id: z.string().max(64) }) },
      onRequest: allow(...STAFF_ROLES),
    },
    async (request) => {
      const found = await search.household(request.params.id);
      if (!found) throw new AppError('HW_NOT_FOUND', `no household ${request.params.id}`);
      return { ...found, tickets: found.tickets.filter((t) => mayReadTicket(request.session!.role, t)) };
    },
  );
}
