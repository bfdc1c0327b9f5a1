/** Households in PostgreSQL: the same rows as SQLite's (pg-database.ts), one per home and its room sensors in household_devices. */
import type pg from 'pg';
import type { HouseholdInput } from '../../contracts/households.ts';
import type { HouseholdStore } from '../../ports/household-store.ts';
import { toHousehold, type Row } from '../sqlite/sqlite-household-store.ts';
import { inTransaction } from './pg-transaction.ts';

const SELECT = `SELECT h.*, (SELECT string_agg(device_id, ' ') FROM household_devices d WHERE d.household_id = h.id) AS device_ids FROM households h`;

/** Links the sensors to the household; a sensor another household holds fails the statement (23505). */
async function link(c: pg.PoolClient, householdId: string, deviceIds: readonly string[]): Promise<void> {
  if (deviceIds.length > 0) await c.query('INSERT INTO household_devices (device_id, household_id) SELECT unnest($1::text[]), $2', [deviceIds, householdId]);
}

const insertOne = async (c: pg.PoolClient, h: HouseholdInput, at: number): Promise<boolean> => {
  const r = await c.query(
    `INSERT INTO households (id, name, phone, address, substation_id, area_m2, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT DO NOTHING`,
    [h.id, h.name, h.phone, h.address, h.substationId, h.areaM2 ?? null, at],
  );
  if (r.rowCount === 0) return false;
  await link(c, h.id, h.deviceIds);
  return true;
};

export function createPgHouseholdStore(pool: pg.Pool): HouseholdStore {
  const one = async (sql: string, params: unknown[]) => {
    const { rows } = await pool.query<Row>(sql, params);
    return rows[0] && toHousehold(rows[0]);
  };

  return {
    insert: (h, at) => inTransaction(pool, (c) => insertOne(c, h, at)),
    update: (id, h, at) =>
      inTransaction(pool, async (c) => {
        const r = await c.query('UPDATE households SET name = $1, phone = $2, address = $3, substation_id = $4, area_m2 = $5, updated_at = $6 WHERE id = $7', [
          h.name,
          h.phone,
          h.address,
          h.substationId,
          h.areaM2 ?? null,
          at,
          id,
        ]);
        if (r.rowCount === 0) return false;
        await c.query('DELETE FROM household_devices WHERE household_id = $1', [id]);
        await link(c, id, h.deviceIds);
        return true;
      }),
    async delete(id) {
      const r = await pool.query('DELETE FROM households WHERE id = $1', [id]);
      return (r.rowCount ?? 0) > 0;
    },
    get: (id) => one(`${SELECT} WHERE h.id = $1`, [id]),
    async list({ substationId, limit, offset }) {
      const where = substationId === undefined ? '' : 'WHERE h.substation_id = $1';
      const params = substationId === undefined ? [] : [substationId];
      const n = params.length;
      // COLLATE "C": byte order, as SQLite sorts text, whatever the database's locale.
      const { rows } = await pool.query<Row>(`${SELECT} ${where} ORDER BY h.id COLLATE "C" LIMIT $${n + 1} OFFSET $${n + 2}`, [...params, limit, offset]);
      const total = await pool.query<{ total: number }>(`SELECT COUNT(*) AS total FROM households h ${where}`, params);
      return { households: rows.map(toHousehold), total: total.rows[0]!.total };
    },
    forDevice: (deviceId) => one(`${SELECT} WHERE h.id = (SELECT household_id FROM household_devices WHERE device_id = $1)`, [deviceId]),
    async search({ text, digits, limit }) {
      const params: unknown[] = [];
      const where: string[] = [];
      if (text !== null) {
        params.push(`%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
        // ILIKE: SQLite's LIKE ignores the case of ASCII letters, PostgreSQL's does not.
        where.push(...['h.id', 'h.name', 'h.address'].map((col) => `${col} ILIKE $1 ESCAPE '\\'`));
      }
      if (digits) {
        params.push(`%${digits}%`);
        where.push(`REPLACE(REPLACE(h.phone, ' ', ''), '-', '') LIKE $${params.length}`);
      }
      if (where.length === 0) return [];
      params.push(limit);
      const { rows } = await pool.query<Row>(`${SELECT} WHERE ${where.join(' OR ')} ORDER BY h.id COLLATE "C" LIMIT $${params.length}`, params);
      return rows.map(toHousehold);
    },
    async holders(deviceIds) {
      const { rows } = await pool.query<{ device_id: string; household_id: string }>('SELECT device_id, household_id FROM household_devices WHERE device_id = ANY($1::text[])', [deviceIds]);
      const found = new Map(rows.map((r) => [r.device_id, r.household_id]));
      // In the order asked, as SQLite's adapter answers.
      const out = new Map<string, string>();
      for (const d of deviceIds) {
        const h = found.get(d);
        if (h !== undefined) out.set(d, h);
      }
      return out;
    },
    insertMany: (list, at) =>
      inTransaction(pool, async (c) => {
        const taken: string[] = [];
        let inserted = 0;
        for (const h of list) {
          if (await insertOne(c, h, at)) inserted += 1;
          else taken.push(h.id);
        }
        return { inserted, taken };
      }),
  };
}
