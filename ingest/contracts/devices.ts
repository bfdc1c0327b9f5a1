/**
 * Device registry contract: what an admin sends to provision a sensor and what the API and
 * the live `device` event return. Shared by ingest, the simulators and the dashboard.
 */
import { z } from 'zod';
import { DEVICE_ID_PATTERN, DEVICE_KINDS } from './topics.ts';
import type { FieldName } from './payloads.ts';
import type { RuleFact } from './rule-facts.ts';

export const ROOM_TYPES = ['bedroom', 'living', 'other'] as const;
export type RoomType = (typeof ROOM_TYPES)[number];

export const newDeviceSchema = z
  .object({
    id: z.string().regex(DEVICE_ID_PATTERN, 'letters, digits, _ and -, 1 to 64 characters'),
    kind: z.enum(DEVICE_KINDS),
    name: z.string().trim().min(1).max(200),
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    address: z.string().max(500).default(''),
    roomType: z.enum(ROOM_TYPES).optional(),
    substationId: z.string().regex(DEVICE_ID_PATTERN).optional(),
    intervalSec: z.number().int().min(1).max(86_400).optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.kind === 'substation' && d.roomType !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['roomType'], message: 'only rooms have a room type' });
    }
    if (d.kind === 'substation' && d.substationId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['substationId'], message: 'a substation is not fed by another substation' });
    }
  });

export type NewDevice = z.input<typeof newDeviceSchema>;

/** Default reporting interval: rooms upload every 15 min, substations every 30 s (DESIGN.md §2). */
export const DEFAULT_INTERVAL_SEC = { room: 900, substation: 30 } as const;

export interface Device {
  id: string;
  kind: (typeof DEVICE_KINDS)[number];
  name: string;
  lat: number;
  lng: number;
  address: string;
  roomType: RoomType | null;
  substationId: string | null;
  intervalSec: number;
  createdAt: string;
}

export interface DeviceLive {
  /** Connected to the broker right now. */
  online: boolean;
  /** When HeatWatch last stored a reading from it (wall clock, ISO 8601). */
  lastSeenAt: string | null;
  /** The latest implausible reading (a data-quality flag: never a customer ticket). */
  /** Implausible data the rules saw lately (a flag, never a ticket): what, as facts. */
  dataQuality: { at: string; facts: RuleFact[] } | null;
  /** Its newest reading by event time. */
  lastReading: { ts: string; values: Partial<Record<FieldName, number>> } | null;
}

export type DeviceView = Device & DeviceLive;

export interface ProvisionedDevice extends Device {
  /** Shown once at provisioning; only its hash is stored. */
  mqtt: { username: string; password: string };
}
