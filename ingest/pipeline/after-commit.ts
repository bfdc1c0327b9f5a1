/**
 * What happens once a batch of readings is durable, as a list: each subscriber (metrics, device
 * presence, the live map, the fleet clock, the rules) gets the batch in the order registered in
 * the composition root. One that throws is logged and does not keep the batch from the others.
 */
import type { Reading } from '../contracts/payloads.ts';

export interface CommitSubscriber {
  /** For the log, when it throws. */
  name: string;
  onCommit(readings: readonly Reading[]): void;
}

export function afterCommit(subscribers: readonly CommitSubscriber[], onError: (name: string, err: unknown) => void): (readings: readonly Reading[]) => void {
  return (readings) => {
    for (const s of subscribers) {
      try {
        s.onCommit(readings);
      } catch (err) {
        onError(s.name, err);
      }
    }
  };
}
