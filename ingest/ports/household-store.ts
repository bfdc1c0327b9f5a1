import type { Household, HouseholdInput } from '../contracts/households.ts';

/** Households and the room sensors in them. Times are epoch ms in, ISO out. */
export interface HouseholdStore {
  /** Inserts, or returns false when the id is taken. */
  insert(h: HouseholdInput, at: number): boolean;
  /** Replaces everything but the id; false when there is no such household. */
  update(id: string, h: Omit<HouseholdInput, 'id'>, at: number): boolean;
  delete(id: string): boolean;
  get(id: string): Household | undefined;
  list(q: { substationId?: string; limit: number; offset: number }): { households: Household[]; total: number };
  /** The household a room sensor belongs to. */
  forDevice(deviceId: string): Household | undefined;
  /** Which household holds each of these sensors now (to refuse a sensor in two homes). */
  holders(deviceIds: readonly string[]): Map<string, string>;
  /** Households whose id, name or address holds `text`, or whose phone holds `digits`. */
  search(q: { text: string | null; digits: string | null; limit: number }): Household[];
  /** Many at once, in one transaction (an import): the ids already taken are skipped and returned. */
  insertMany(list: readonly HouseholdInput[], at: number): { inserted: number; taken: string[] };
}
