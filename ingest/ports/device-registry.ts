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

/** The registry of provisioned devices. Lookups are synchronous: they sit on the MQTT hot path. */
export interface DeviceRegistry {
  /** Throws DuplicateDeviceError when the id is taken. */
  insert(device: Device, secretHash: string): void;
  get(id: string): Device | undefined;
  credentials(id: string): DeviceCredentials | undefined;
  list(): Device[];
  count(): number;
  loadLastStates(): LastState[];
  saveLastStates(states: readonly LastState[]): void;
}

export class DuplicateDeviceError extends AppError {
  constructor(readonly deviceId: string) {
    super('HW_DEVICE_EXISTS', `device ${deviceId} already exists`);
  }
}
