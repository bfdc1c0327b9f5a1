/** Households in SQLite: one row each, and their room sensors in household_devices. */
import type { Household, HouseholdInput } from '../../contracts/households.ts';
import type { HouseholdStore } from '../../ports/household-store.ts';
import type { Db } from './open-database.ts';
import { asynchronous } from './asynchronous.ts';

export interface Row {
  id: string;
  name: string;
  phone: string;
  address: string;
  substation_id: string;
  area_m2: number | null;
  created_at: number;
  updated_at: number;
  device_ids: string | null;
}

const SELECT = `SELECT h.*, (SELECT group_concat(device_id, ' ') FROM household_devices d WHERE d.household_id = h.id) AS device_ids FROM households h`;

export const toHousehold = (r: Row): Household => ({
  id: r.id,
  name: r.name,
  phone: r.phone,
  address: r.address,
  substationId: r.substation_id,
  deviceIds: r.device_ids ? r.device_ids.split(' ').sort() : [],
  areaM2: r.area_m2,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

export function createSqliteHouseholdStore(db: Db): HouseholdStore {
  const insertRow = db.prepare(
    `INSERT OR IGNORE INTO households (id, name, phone, address, substation_id, area_m2, created_at, updated_at)
     VALUES (@id, @name, @phone, @address, @substationId, @areaM2, @at, @at)`,
  );
  const updateRow = db.prepare(
    'UPDATE households SET name = @name, phone = @phone, address = @address, substation_id = @substationId, area_m2 = @areaM2, updated_at = @at WHERE id = @id',
  );
  const link = db.prepare('INSERT INTO household_devices (device_id, household_id) VALUES (?, ?)');
  const unlinkAll = db.prepare('DELETE FROM household_devices WHERE household_id = ?');
  const remove = db.prepare('DELETE FROM households WHERE id = ?');
  const byId = db.prepare(`${SELECT} WHERE h.id = ?`);
  const byDevice = db.prepare(`${SELECT} WHERE h.id = (SELECT household_id FROM household_devices WHERE device_id = ?)`);
  const holder = db.prepare('SELECT household_id FROM household_devices WHERE device_id = ?').pluck();

  const insertOne = (h: HouseholdInput, at: number): boolean => {
    if (insertRow.run({ ...h, areaM2: h.areaM2 ?? null, at }).changes === 0) return false;
    for (const d of h.deviceIds) link.run(d, h.id);
    return true;
  };

  return asynchronous<HouseholdStore>({
    insert: db.transaction(insertOne),
    update: db.transaction((id: string, h: Omit<HouseholdInput, 'id'>, at: number) => {
      if (updateRow.run({ ...h, areaM2: h.areaM2 ?? null, id, at }).changes === 0) return false;
      unlinkAll.run(id);
      for (const d of h.deviceIds) link.run(d, id);
      return true;
    }),
    delete: (id) => remove.run(id).changes > 0,
    get: (id) => {
      const r = byId.get(id) as Row | undefined;
      return r && toHousehold(r);
    },
    list: ({ substationId, limit, offset }) => {
      const where = substationId === undefined ? '' : 'WHERE h.substation_id = ?';
      const params = substationId === undefined ? [] : [substationId];
      const rows = db.prepare(`${SELECT} ${where} ORDER BY h.id LIMIT ? OFFSET ?`).all(...params, limit, offset) as Row[];
      const total = db.prepare(`SELECT COUNT(*) FROM households h ${where}`).pluck().get(...params) as number;
      return { households: rows.map(toHousehold), total };
    },
    forDevice: (deviceId) => {
      const r = byDevice.get(deviceId) as Row | undefined;
      return r && toHousehold(r);
    },
    search: ({ text, digits, limit }) => {
      const like = text === null ? null : `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const where = like === null ? [] : ['h.id', 'h.name', 'h.address'].map((c) => `${c} LIKE @like ESCAPE '\\'`);
      if (digits) where.push("REPLACE(REPLACE(h.phone, ' ', ''), '-', '') LIKE @digits");
      if (where.length === 0) return [];
      return (db.prepare(`${SELECT} WHERE ${where.join(' OR ')} ORDER BY h.id LIMIT @limit`).all({ like, digits: digits ? `%${digits}%` : null, limit }) as Row[]).map(toHousehold);
    },
    holders: (deviceIds) => {
      const out = new Map<string, string>();
      for (const d of deviceIds) {
        const h = holder.get(d) as string | undefined;
        if (h !== undefined) out.set(d, h);
      }
      return out;
    },
    insertMany: db.transaction((list: readonly HouseholdInput[], at: number) => {
      const taken: string[] = [];
      let inserted = 0;
      for (const h of list) {
        if (insertOne(h, at)) inserted += 1;
        else taken.push(h.id);
      }
      return { inserted, taken };
    }),
  });
}
