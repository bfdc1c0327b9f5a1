/**
 * How a device puts its queued readings into one MQTT message (DESIGN.md §5): one JSON object,
 * or an array of up to 500 when a backlog is forwarded at once.
 */
import { MAX_READINGS_PER_MESSAGE } from '../ingest/contracts/payloads.ts';
import type { Payload } from './bad-data.ts';

export function encodePayloads(payloads: readonly Payload[]): string {
  if (payloads.length === 0 || payloads.length > MAX_READINGS_PER_MESSAGE) {
    throw new RangeError(`a message carries 1 to ${MAX_READINGS_PER_MESSAGE} readings, not ${payloads.length}`);
  }
  return JSON.stringify(payloads.length === 1 ? payloads[0] : payloads);
}
