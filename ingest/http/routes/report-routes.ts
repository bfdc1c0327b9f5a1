/** The company's figures over HTTP (DESIGN.md §10): staff roles only. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { reportQuerySchema } from '../../contracts/reports.ts';
import { STAFF_ROLES } from '../../contracts/users.ts';
import type { ReportService } from '../../services/report-service.ts';
import type { RoleGuard } from '../authorize.ts';

export function registerReportRoutes(fastify: FastifyInstance, { allow, reports }: { allow: RoleGuard; reports: ReportService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/reports',
    {
      schema: { tags: ['reports'], summary: 'Room-temperature compliance, ticket closure and timeliness, callbacks and stops for Beijing dates from–to (inclusive)', querystring: reportQuerySchema },
      onRequest: allow(...STAFF_ROLES),
    },
    async (request) => reports.report(request.query),
  );
}
