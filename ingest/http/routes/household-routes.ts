/**
 * Households (issue 14): the customer list behind the room sensors. Staff roles read it whole;
 * a viewer reads names and phones masked. Dispatch keeps it (one by one, or an import of the
 * company's list as CSV or .xlsx with every bad row reported by its line).
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HOUSEHOLD_IMPORT_COLUMNS, householdSchema, householdUpdateSchema, maskHousehold, type Household } from '../../contracts/households.ts';
import { DISPATCH_ROLES, STAFF_ROLES } from '../../contracts/users.ts';
import { DEVICE_ID_PATTERN } from '../../contracts/topics.ts';
import { AppError } from '../../errors.ts';
import { MAX_HOUSEHOLD_ROWS, type HouseholdService } from '../../services/household-service.ts';
import { ALL_ROLES, type RoleGuard } from '../authorize.ts';
import { CSV_UPLOAD_MAX_BYTES, XLSX_TYPE, readCsvRows, readXlsxRows } from '../csv-upload.ts';

const params = z.object({ id: z.string().regex(DEVICE_ID_PATTERN) });
const listQuery = z
  .object({
    substationId: z.string().max(64).optional(),
    /** The household a room sensor is in (the device panel, a ticket). */
    deviceId: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(500),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export interface HouseholdRouteDeps {
  allow: RoleGuard;
  households: HouseholdService;
}

/** Names and phones for staff roles; masked for anyone else. */
const forRole = (request: FastifyRequest, h: Household): Household => ((STAFF_ROLES as readonly string[]).includes(request.session!.role) ? h : maskHousehold(h));

export function registerHouseholdRoutes(fastify: FastifyInstance, { allow, households }: HouseholdRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/households',
    { schema: { tags: ['households'], summary: 'Households, by id; filter by substation or by a room sensor (names and phones masked for viewers)', querystring: listQuery }, onRequest: allow(...ALL_ROLES) },
    async (request) => {
      const q = request.query;
      if (q.deviceId !== undefined) {
        const h = await households.forDevice(q.deviceId);
        return { households: h ? [forRole(request, h)] : [], total: h ? 1 : 0 };
      }
      const { households: list, total } = await households.list({ substationId: q.substationId, limit: q.limit, offset: q.offset });
      return { households: list.map((h) => forRole(request, h)), total };
    },
  );

  app.get('/api/households/:id', { schema: { tags: ['households'], summary: 'One household', params }, onRequest: allow(...ALL_ROLES) }, async (request) =>
    forRole(request, await households.get(request.params.id)),
  );

  app.post(
    '/api/households',
    { schema: { tags: ['households'], summary: 'Add a household: its substation and room sensors must be provisioned', body: householdSchema }, onRequest: allow(...DISPATCH_ROLES) },
    async (request, reply) => reply.code(201).send(await households.create(request.body)),
  );

  app.put(
    '/api/households/:id',
    { schema: { tags: ['households'], summary: 'Replace a household (everything but its id)', params, body: householdUpdateSchema }, onRequest: allow(...DISPATCH_ROLES) },
    async (request) => households.update(request.params.id, request.body),
  );

  app.delete('/api/households/:id', { schema: { tags: ['households'], summary: 'Remove a household', params }, onRequest: allow(...DISPATCH_ROLES) }, async (request, reply) => {
    await households.remove(request.params.id);
    return reply.code(204).send();
  });

  app.post(
    '/api/households/import',
    {
      schema: { tags: ['households'], summary: `Import a customer list: text/csv or an .xlsx workbook (first sheet), header ${HOUSEHOLD_IMPORT_COLUMNS.join(',')}; every bad row reported by its line` },
      onRequest: allow('admin'),
      config: { csvUpload: true, xlsxUpload: true },
    },
    async (request) => {
      const type = request.headers['content-type'] ?? '';
      const limits = { maxRows: MAX_HOUSEHOLD_ROWS, maxBytes: CSV_UPLOAD_MAX_BYTES };
      if (!request.body || !(type.startsWith('text/csv') || type.startsWith(XLSX_TYPE))) throw new AppError('HW_BAD_REQUEST', `send the list as text/csv or as ${XLSX_TYPE}`);
      const rows = type.startsWith('text/csv')
        ? (await readCsvRows(request.body as Readable, limits)).map((values, i) => ({ line: i + 2, values }))
        : await readXlsxRows(request.body as Readable, limits);
      return households.import(rows);
    },
  );
}
