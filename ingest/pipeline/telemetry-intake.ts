/**
 * Where every telemetry message enters, whichever broker delivered it: check the device,
 * validate, count refusals, queue for the group commit. `release` is the MQTT acknowledgement:
 * called at once when nothing is to be stored, otherwise after the readings are durable.
 */
import { validateTelemetry } from '../contracts/payloads.ts';
import type { DeviceKind } from '../contracts/topics.ts';
import type { DeviceRegistry } from '../ports/device-registry.ts';
import type { BatchWriter, Release } from './batch-writer.ts';
import type { RejectionLog } from './rejection-log.ts';

export interface TelemetryIntakeDeps {
  registry: Pick<DeviceRegistry, 'get'>;
  writer: Pick<BatchWriter, 'submit'>;
  rejections: Pick<RejectionLog, 'record'>;
  /**
   * A provisioned device sent a message of which nothing could be stored: it is alive, though
   * its data is not (the offline rule must not count it silent; data quality flags it instead).
   */
  onRefusedMessage?: (deviceId: string) => void;
  clock?: () => number;
}

export function createTelemetryIntake({ registry, writer, rejections, onRefusedMessage, clock = Date.now }: TelemetryIntakeDeps) {
  return function intake(kind: DeviceKind, deviceId: string, payload: Uint8Array, release: Release): void {
    const device = registry.get(deviceId);
    if (!device) {
      rejections.record(deviceId, 'unknown_device', `no device ${deviceId} is provisioned`);
      return release(null);
    }
    if (device.kind !== kind) {
      rejections.record(deviceId, 'kind_mismatch', `device is a ${device.kind}, topic says ${kind}`);
      return release(null);
    }
    const { readings, rejections: refused } = validateTelemetry(kind, deviceId, payload, clock());
    for (const r of refused) rejections.record(deviceId, r.reason, r.detail);
    if (readings.length === 0) {
      onRefusedMessage?.(deviceId);
      return release(null);
    }
    writer.submit(readings, release);
  };
}

export type TelemetryIntake = ReturnType<typeof createTelemetryIntake>;
