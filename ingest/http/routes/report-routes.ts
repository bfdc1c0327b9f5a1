/** The company's figures over HTTP (DESIGN.md §10): staff roles only; JSON, an .xlsx workbook, or the room-day table as CSV. */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { roomDayCsv, writeReportWorkbook, type DeviceNames } from '../../adapters/export/report-export.ts';
import { reportQuerySchema } from '../../contracts/reports.ts';
import { STAFF_ROLES } from '../../contracts/users.ts';
import type { DeviceRegistry } from '../../ports/device-registry.ts';
import type { ReportService } from '../../services/report-service.ts';
import type { RoleGuard } from '../authorize.ts';


export function registerReportRoutes(fastify: FastifyInstance, { allow, reports, registry }: { allow: RoleGuard; reports: ReportService; registry: Pick<DeviceRegistry, 'get'> }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const names: DeviceNames = { name: (id) => registry.get(id)?.name ?? id, address: (id) => registry.get(id)?.address ?? '' };
  app.get(
    '/api/reports',
    {
      schema: {
        tags: ['reports'],
        summary: 'Room-temperature compliance, ticket closure and timeliness, callbacks and stops for Beijing dates from–to (inclusive); format=xlsx gives the workbook, format=csv the room-day table',
        querystring: reportQuerySchema,
      },
      onRequest: allow(...STAFF_ROLES),
    },
    async (request, reply) => {
      const { format, from, to } = request.query;
      const { report, roomDays } = await reports.report({ from, to });
      const file = `heatwatch-report-${from}-${to}`;
      if (format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}-room-days.csv"`).send(roomDayCsv(roomDays, names));
      }
      if (format === 'xlsx') {
        const out = new PassThrough();
        writeReportWorkbook(out, report, roomDays, names).catch((err: unknown) => out.destroy(err as Error));
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="${file}.xlsx"`)
          .send(out);
      }
      return report;
    },
  );
}
