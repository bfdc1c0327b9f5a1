import type { Household, HouseholdInput } from '../contracts/households.ts';

/** Households and the room sensors in them. Times are epoch ms in, ISO out. */
export interface HouseholdStore {
  /** Inserts, or returns false when the id is taken. */
  insert(h: HouseholdInput, at: number): Promise<boolean>;
  /** Replaces everything but the id; false when there is no such household. */
  update(id: string, h: Omit<HouseholdInput, 'id'>, at: number): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  get(id: string): Promise<Household | undefined>;
  list(q: { substationId?: string; limit: number; offset: number }): Promise<{ households: Household[]; total: number }>;
  /** The household a room sensor belongs to. */
  forDevice(deviceId: string): Promise<Household | undefined>;
  /** Which household holds each of these sensors now (to refuse a sensor in two homes). */
  holders(deviceIds: readonly string[]): Promise<Map<string, string>>;
  /** Households whose id, name or address holds `text`, or whose phone holds `digits`. */
  search(q: { text: string | null; digits: string | null; limit: number }): Promise<Household[]>;
  /** Many at once, in one transaction (an import): the ids already taken are skipped and returned. */
  insertMany(list: readonly HouseholdInput[], at: number): Promise<{ inserted: number; taken: string[] }>;
}
