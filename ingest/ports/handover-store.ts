import type { Handover, HandoverSheet, Person } from '../contracts/handovers.ts';

/**
 * Handover sheets as produced, and their acknowledgement. Asynchronous, as every port will be
 * (issue 18): SQLite answers at once, PostgreSQL over the network; the contract suite
 * (test/handover-store-contract.test.ts) holds both adapters to the same behaviour.
 */
export interface HandoverStore {
  insert(h: { at: number; from: Person; note: string; sheet: HandoverSheet }): Promise<Handover>;
  get(id: number): Promise<Handover | undefined>;
  /** Newest first. */
  list(limit: number): Promise<Handover[]>;
  /** Records the acknowledgement once, whichever node asks first: false when it already was. */
  acknowledge(id: number, at: number, by: Person, note: string): Promise<boolean>;
}
