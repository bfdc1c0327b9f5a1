/** A small world for the duty components' tests: a fleet with two substations, and an API answering by route. */
import { vi } from 'vitest';
import type { DeviceView } from '../../../../ingest/contracts/devices.ts';
import { ApiClient } from '../../lib/api/api-client.ts';
import { I18n } from '../../lib/i18n/i18n.svelte.ts';
import { Session } from '../../lib/session/session.svelte.ts';
import { DeviceStore } from '../../state/devices.svelte.ts';
import type { AlertPolicy } from './duty-types.ts';

const device = (id: string, kind: DeviceView['kind'], name: string, substationId: string | null = null): DeviceView => ({
  id,
  kind,
  name,
  lat: 35.4,
  lng: 116.97,
  address: '',
  roomType: kind === 'room' ? 'bedroom' : null,
  substationId,
  intervalSec: kind === 'room' ? 900 : 30,
  createdAt: '2026-11-01T00:00:00.000Z',
  online: true,
  lastSeenAt: null,
  dataQuality: null,
  lastReading: null,
});

export const FLEET: DeviceView[] = [device('SS-002', 'substation', '二号换热站'), device('SS-001', 'substation', '一号换热站'), device('R-1', 'room', '1 号楼 101', 'SS-001')];

export interface Request {
  method: string;
  url: string;
  body: unknown;
}

/** Each route answers `[status, body]`; every request is recorded. */
export type Routes = Record<string, (req: Request) => [number, unknown]>;

export function stubApi(routes: Routes): Request[] {
  const requests: Request[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const req = { method: init.method ?? 'GET', url, body: init.body ? JSON.parse(init.body as string) : undefined };
    requests.push(req);
    const route = routes[`${req.method} ${url.split('?')[0]}`];
    const [status, body] = route ? route(req) : [404, { error: { code: 'HW_NOT_FOUND', message: `no route ${req.method} ${url}` } }];
    return status === 204 ? new Response(null, { status }) : new Response(JSON.stringify(body), { status });
  });
  return requests;
}

export async function dutyWorld(role: 'admin' | 'dispatcher' | 'engineer' = 'admin') {
  const devices = new DeviceStore();
  await devices.load(new ApiClient({ token: () => 't', onUnauthorized: () => undefined, fetch: async () => new Response(JSON.stringify({ devices: structuredClone(FLEET) })) }));
  const session = new Session(null);
  session.user = { username: 'zhang', role, displayName: '张' };
  return { devices, session, i18n: new I18n(null) };
}

/** The default alerting policy, as the server sends it. */
export const POLICY: AlertPolicy = {
  types: {
    pipeline_accident: { page: true, pageAfterMin: 0, escalateAfterMin: 5 },
    substation_fault: { page: true, pageAfterMin: 0, escalateAfterMin: 10 },
    leak: { page: true, pageAfterMin: 0, escalateAfterMin: 10 },
    repair: { page: true, pageAfterMin: 0, escalateAfterMin: 15 },
    heating_quality: { page: true, pageAfterMin: 0, escalateAfterMin: 20 },
    room_temp_low: { page: true, pageAfterMin: 10, escalateAfterMin: 60 },
    temp_drop: { page: true, pageAfterMin: 10, escalateAfterMin: 60 },
    inquiry: { page: false, pageAfterMin: 0, escalateAfterMin: 15 },
    staff_complaint: { page: true, pageAfterMin: 0, escalateAfterMin: 15 },
    suggestion: { page: false, pageAfterMin: 0, escalateAfterMin: null },
    sensor_offline: { page: false, pageAfterMin: 0, escalateAfterMin: null },
    sensor_calibration: { page: false, pageAfterMin: 0, escalateAfterMin: null },
  },
  remindAtFraction: 0.75,
  atBreach: true,
  callbacks: true,
};
