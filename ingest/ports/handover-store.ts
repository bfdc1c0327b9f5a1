import type { Handover, HandoverSheet, Person } from '../contracts/handovers.ts';

/** Handover sheets as produced, and their acknowledgement. */
export interface HandoverStore {
  insert(h: { at: number; from: Person; note: string; sheet: HandoverSheet }): Handover;
  get(id: number): Handover | undefined;
  /** Newest first. */
  list(limit: number): Handover[];
  /** Records the acknowledgement once: false when it already was (someone was first). */
  acknowledge(id: number, at: number, by: Person, note: string): boolean;
}
