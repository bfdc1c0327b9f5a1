/**
 * 今日走访 (issue 16): the signed-in person's day — the visits and tickets of their teams, or
 * the visits with their name when the duty roster does not know them. Staff roles only: it
 * names households.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { myDayQuerySchema } from '../../contracts/my-day.ts';
import { STAFF_ROLES } from '../../contracts/users.ts';
import type { MyDayService } from '../../services/my-day-service.ts';
import type { RoleGuard } from '../authorize.ts';

export function registerMyDayRoutes(fastify: FastifyInstance, { allow, myDay }: { allow: RoleGuard; myDay: MyDayService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/my-day',
    {
      schema: { tags: ['visits'], summary: "今日走访: the day's visits and tickets of the teams the signed-in person works in (date: Beijing, today by default)", querystring: myDayQuerySchema },
      onRequest: allow(...STAFF_ROLES),
    },
    async (request) => myDay.forUser(request.session!, request.query.date),
  );
}
