import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { newDeviceSchema, type Device, type DeviceView } from '../../contracts/devices.ts';
import { FIELDS_BY_KIND } from '../../contracts/payloads.ts';
import { DEVICE_KINDS } from '../../contracts/topics.ts';
import type { DevicePresence } from '../../pipeline/device-presence.ts';
import type { RejectionLog } from '../../pipeline/rejection-log.ts';
import type { DeviceRegistry } from '../../ports/device-registry.ts';
import type { TelemetryStore } from '../../ports/telemetry-store.ts';
import type { DeviceService } from '../../services/device-service.ts';
import type { Readable } from 'node:stream';
import { IMPORT_COLUMNS, MAX_IMPORT_ROWS, csvLine, exact, importDevices } from '../../services/device-import.ts';
import { CSV_UPLOAD_MAX_BYTES, readCsvRows } from '../csv-upload.ts';
import { STAFF_ROLES } from '../../contracts/users.ts';
import { ALL_ROLES, type RoleGuard } from '../authorize.ts';
import { AppError } from '../../errors.ts';

const MAX_ROWS = 10_000;
const DAY_MS = 86_400_000;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS } as const;

const isoTime = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));
const duration = z
  .string()
  .regex(/^\d+(s|m|h|d)?$/, 'a duration like 30s, 15m, 1h or 1d (plain numbers are seconds)')
  .transform((s) => {
    const unit = (/[smhd]$/.exec(s)?.[0] ?? 's') as keyof typeof UNIT_MS;
    return Number.parseInt(s, 10) * UNIT_MS[unit];
  })
  .refine((ms) => ms >= 1000, 'at least 1s');

const readingsQuery = z
  .object({
    from: isoTime.optional().describe('default: 24 h before `to`'),
    to: isoTime.optional().describe('default: now'),
    every: duration.optional().describe('bucket width: 30s, 15m, 1h, 1d; without it, raw readings'),
    limit: z.coerce.number().int().min(1).max(MAX_ROWS).default(MAX_ROWS),
    format: z.enum(['json', 'csv']).default('json').describe('csv: one column per field, for spreadsheets'),
  })
  .strict();

const deviceParams = z.object({ id: z.string().max(64) });

const importQuery = z.object({ format: z.enum(['json', 'csv']).default('json') }).strict();

const listQuery = z
  .object({ kind: z.enum(DEVICE_KINDS).optional(), substationId: z.string().max(64).optional() })
  .strict();

export interface DeviceRouteDeps {
  allow: RoleGuard;
  devices: DeviceService;
  registry: DeviceRegistry;
  presence: DevicePresence;
  store: TelemetryStore;
  rejections: RejectionLog;
  clock?: () => number;
}

export function registerDeviceRoutes(fastify: FastifyInstance, deps: DeviceRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { allow, devices, registry, presence, store, rejections, clock = Date.now } = deps;
  const view = (d: Device): DeviceView => ({ ...d, ...presence.view(d.id) });
  const mustFind = (id: string): Device => {
    const device = registry.get(id);
    if (!device) throw new AppError('HW_NOT_FOUND', `no device ${id}`);
    return device;
  };

  app.post(
    '/api/devices',
    {
      schema: { tags: ['devices'], summary: 'Provision a sensor; the MQTT password is shown once', body: newDeviceSchema },
      onRequest: allow('admin'),
    },
    async (request, reply) => reply.code(201).send(await devices.provision(request.body)),
  );

  app.post(
    '/api/devices/import',
    {
      schema: {
        tags: ['devices'],
        summary: `Provision many devices from CSV (text/csv, header ${IMPORT_COLUMNS.join(',')}); with ?format=csv the answer is a CSV of id,username,password,error — the secrets are shown once`,
        querystring: importQuery,
      },
      // The role is checked before a byte of the body is read (onRequest runs before parsing).
      onRequest: allow('admin'),
      config: { csvUpload: true },
    },
    async (request, reply) => {
      const { format } = request.query;
      if (!request.headers['content-type']?.startsWith('text/csv') || !request.body) throw new AppError('HW_BAD_REQUEST', 'send the CSV file with Content-Type: text/csv');
      const rows = await readCsvRows(request.body as Readable, { maxRows: MAX_IMPORT_ROWS, maxBytes: CSV_UPLOAD_MAX_BYTES });
      const result = await importDevices(rows, devices);
      if (format === 'json') {
        return { created: result.created.length, credentials: result.created.map((d) => ({ id: d.id, ...d.mqtt })), errors: result.errors };
      }
      const lines = [csvLine(['id', 'username', 'password', 'error'])];
      // The id was checked against the id pattern; the secret was made here: both as they are.
      for (const d of result.created) lines.push(csvLine([exact(d.id), exact(d.mqtt.username), exact(d.mqtt.password), '']));
      for (const e of result.errors) lines.push(csvLine([e.id, '', '', `line ${e.line}: ${e.message}`]));
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="heatwatch-credentials.csv"').send(`${lines.join('\r\n')}\r\n`);
    },
  );

  app.get('/api/devices', { schema: { tags: ['devices'], summary: 'All devices with their live state', querystring: listQuery }, onRequest: allow(...ALL_ROLES) }, async (request) => {
    const q = request.query;
    const list = registry
      .list()
      .filter((d) => (q.kind === undefined || d.kind === q.kind) && (q.substationId === undefined || d.substationId === q.substationId));
    return { devices: list.map(view) };
  });

  app.get(
    '/api/devices/:id',
    { schema: { tags: ['devices'], summary: 'One device, its live state and its refused messages', params: deviceParams }, onRequest: allow(...ALL_ROLES) },
    async (request) => ({ ...view(mustFind(request.params.id)), rejections: rejections.forDevice(request.params.id) }),
  );

  app.get(
    '/api/devices/:id/readings',
    {
      schema: { tags: ['devices'], summary: 'Readings in [from, to): raw, or the mean per bucket with `every`', params: deviceParams, querystring: readingsQuery },
      onRequest: allow(...ALL_ROLES),
    },
    async (request, reply) => {
      const device = mustFind(request.params.id);
      const q = request.query;
      const to = q.to ?? clock();
      const from = q.from ?? to - DAY_MS;
      if (from >= to) throw new AppError('HW_BAD_REQUEST', '`from` must be before `to`');
      if (q.every !== undefined && (to - from) / q.every > MAX_ROWS) {
        throw new AppError('HW_BAD_REQUEST', `more than ${MAX_ROWS} buckets: choose a larger \`every\``);
      }
      // One row more than asked tells whether the answer was cut short.
      const rows = await store.read({ deviceId: device.id, kind: device.kind, from, to, everyMs: q.every, limit: q.limit + 1 });
      const truncated = rows.length > q.limit;
      if (truncated) rows.pop();
      if (q.format === 'csv') {
        const fields = FIELDS_BY_KIND[device.kind];
        const lines = [csvLine(['ts', ...fields])];
        for (const r of rows) lines.push(csvLine([new Date(r.ts).toISOString(), ...fields.map((f) => r.values[f])]));
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${device.id}-readings.csv"`)
          .send(`${lines.join('\r\n')}\r\n`);
      }
      return {
        deviceId: device.id,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        every: q.every === undefined ? null : q.every / 1000,
        truncated,
        readings: rows.map((r) => ({ ts: new Date(r.ts).toISOString(), ...r.values })),
      };
    },
  );

  app.get('/api/rejections', { schema: { tags: ['devices'], summary: 'Refused messages by device and reason, latest first' }, onRequest: allow(...STAFF_ROLES) }, async () =>
    rejections.summary(),
  );
}
