/**
 * Provisioning (validate, issue a secret shown once, store its hash), and which rooms each
 * substation feeds, for the rules' correlation (rebuilt after provisioning).
 */
import { DEFAULT_INTERVAL_SEC, type Device, type NewDevice, type ProvisionedDevice } from '../contracts/devices.ts';
import { AppError } from '../errors.ts';
import { DuplicateDeviceError, type DeviceRegistry } from '../ports/device-registry.ts';
import { DEVICE_SECRET_COST, hashSecret, newDeviceSecret } from '../security/secrets.ts';

export interface DeviceServiceDeps {
  registry: DeviceRegistry;
  clock?: () => number;
}

export function createDeviceService({ registry, clock = Date.now }: DeviceServiceDeps) {
  const provisioned: ((device: Device) => void)[] = [];
  let roomIndex: Map<string, string[]> | null = null;

  return {
    /** A device was provisioned (the live map shows it). */
    onProvisioned(listener: (device: Device) => void): void {
      provisioned.push(listener);
    },

    /** The room sensors a substation feeds. */
    roomsOf(substationId: string): string[] {
      if (!roomIndex) {
        roomIndex = new Map();
        for (const d of registry.list()) if (d.kind === 'room' && d.substationId) roomIndex.set(d.substationId, [...(roomIndex.get(d.substationId) ?? []), d.id]);
      }
      return roomIndex.get(substationId) ?? [];
    },

    async provision(input: NewDevice & { address: string }): Promise<ProvisionedDevice> {
      if (input.substationId !== undefined && registry.get(input.substationId)?.kind !== 'substation') {
        throw new AppError('HW_UNKNOWN_SUBSTATION', `substation ${input.substationId} is not provisioned`);
      }
      if (registry.get(input.id)) throw new AppError('HW_DEVICE_EXISTS', `device ${input.id} already exists`);
      const device: Device = {
        id: input.id,
        kind: input.kind,
        name: input.name,
        lat: input.lat,
        lng: input.lng,
        address: input.address,
        roomType: input.kind === 'room' ? (input.roomType ?? 'other') : null,
        substationId: input.substationId ?? null,
        intervalSec: input.intervalSec ?? DEFAULT_INTERVAL_SEC[input.kind],
        createdAt: new Date(clock()).toISOString(),
      };
      const secret = newDeviceSecret();
      try {
        await registry.insert(device, await hashSecret(secret, DEVICE_SECRET_COST));
      } catch (err) {
        if (err instanceof DuplicateDeviceError) throw new AppError('HW_DEVICE_EXISTS', `device ${input.id} already exists`);
        throw err;
      }
      roomIndex = null;
      for (const listener of provisioned) listener(device);
      return { ...device, mqtt: { username: device.id, password: secret } };
    },
  };
}

export type DeviceService = ReturnType<typeof createDeviceService>;
