import type { Device } from '../contracts/devices.ts';
import type { FieldName } from '../contracts/payloads.ts';
import { AppError } from '../errors.ts';

export interface DeviceCredentials {
  device: Device;
  secretHash: string;
}

export interface LastState {
  deviceId: string;
  /** Event time of the newest reading. */
  ts: number;
  values: Partial<Record<FieldName, number>>;
  /** When HeatWatch last stored anything from the device (wall clock). */
  seenAt: number;
}

/**
 * The registry of provisioned devices. `get`, `list` and `count` are synchronous: they sit on the
 * MQTT and rules hot path, answered from a view in memory that the adapter keeps up to date (with
 * PostgreSQL, also with what other nodes provision). `credentials` may ask the database: a device
 * provisioned a moment ago on another node can connect before the view has heard of it.
 */
export interface DeviceRegistry {
  /** Throws DuplicateDeviceError when the id is taken. */
  insert(device: Device, secretHash: string): Promise<void>;
  get(id: string): Device | undefined;
  credentials(id: string): Promise<DeviceCredentials | undefined>;
  list(): Device[];
  count(): number;
  loadLastStates(): Promise<LastState[]>;
  saveLastStates(states: readonly LastState[]): Promise<void>;
}

export class DuplicateDeviceError extends AppError {
  constructor(readonly deviceId: string) {
    super('HW_DEVICE_EXISTS', `device ${deviceId} already exists`);
  }
}
