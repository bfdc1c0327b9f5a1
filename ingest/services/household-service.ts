/**
 * Households (issue 14; DESIGN.md §10): the customers behind the room sensors. Each is checked
 * against the fleet — its substation is a provisioned substation, its sensors are provisioned
 * rooms fed by that substation and in no other home — one by one or a whole customer list at a
 * time, every bad row of a list reported by its line.
 */
import { HOUSEHOLD_IMPORT_COLUMNS, householdSchema, type Household, type HouseholdInput } from '../contracts/households.ts';
import type { Device } from '../contracts/devices.ts';
import { AppError } from '../errors.ts';
import type { HouseholdStore } from '../ports/household-store.ts';

export const MAX_HOUSEHOLD_ROWS = 200_000;

export interface HouseholdServiceDeps {
  store: HouseholdStore;
  device: (id: string) => Pick<Device, 'kind' | 'substationId'> | undefined;
  clock?: () => number;
}

export interface HouseholdImportResult {
  created: number;
  errors: { line: number; id: string | null; message: string }[];
}

export function createHouseholdService({ store, device, clock = Date.now }: HouseholdServiceDeps) {
  /**
   * What is wrong with a household against the fleet, or null. `holders`: the households holding
   * its sensors now; `claimed`: sensors taken earlier in the same list.
   */
  function problem(h: Omit<HouseholdInput, 'id'>, self: string | null, holders: ReadonlyMap<string, string>, claimed?: Map<string, string>): string | null {
    if (device(h.substationId)?.kind !== 'substation') return `substation ${h.substationId} is not provisioned`;
    if (new Set(h.deviceIds).size !== h.deviceIds.length) return 'a sensor is listed twice';
    for (const id of h.deviceIds) {
      const d = device(id);
      if (!d) return `no device ${id}`;
      if (d.kind !== 'room') return `${id} is a substation, not a room sensor`;
      if (d.substationId !== null && d.substationId !== h.substationId) return `${id} is fed by ${d.substationId}, not ${h.substationId}`;
      const holder = claimed?.get(id) ?? holders.get(id);
      if (holder !== undefined && holder !== self) return `${id} is already in household ${holder}`;
    }
    return null;
  }

  const mustGet = async (id: string): Promise<Household> => {
    const h = await store.get(id);
    if (!h) throw new AppError('HW_NOT_FOUND', `no household ${id}`);
    return h;
  };

  return {
    async create(input: HouseholdInput): Promise<Household> {
      const wrong = problem(input, null, await store.holders(input.deviceIds));
      if (wrong) throw new AppError('HW_BAD_REQUEST', wrong);
      if (!(await store.insert(input, clock()))) throw new AppError('HW_HOUSEHOLD_EXISTS', `household ${input.id} exists`);
      return mustGet(input.id);
    },

    async update(id: string, input: Omit<HouseholdInput, 'id'>): Promise<Household> {
      await mustGet(id);
      const wrong = problem(input, id, await store.holders(input.deviceIds));
      if (wrong) throw new AppError('HW_BAD_REQUEST', wrong);
      await store.update(id, input, clock());
      return mustGet(id);
    },

    async remove(id: string): Promise<void> {
      if (!(await store.delete(id))) throw new AppError('HW_NOT_FOUND', `no household ${id}`);
    },

    get: mustGet,
    list: store.list,
    forDevice: store.forDevice,

    /**
     * A customer list (rows keyed by HOUSEHOLD_IMPORT_COLUMNS, each with its line in the file): the good rows
     * are added in one transaction, every bad one reported by its line; an id already taken is a
     * bad row too (an import never overwrites).
     */
    async import(rows: { line: number; values: Record<string, string | number | null | undefined> }[]): Promise<HouseholdImportResult> {
      if (rows.length === 0) throw new AppError('HW_BAD_REQUEST', `no rows: the first line must name the columns (${HOUSEHOLD_IMPORT_COLUMNS.join(',')})`);
      if (rows.length > MAX_HOUSEHOLD_ROWS) throw new AppError('HW_BAD_REQUEST', `${rows.length} rows: at most ${MAX_HOUSEHOLD_ROWS} per import`);
      const unknown = Object.keys(rows[0]!.values).filter((c) => !(HOUSEHOLD_IMPORT_COLUMNS as readonly string[]).includes(c));
      if (unknown.length > 0) throw new AppError('HW_BAD_REQUEST', `unknown columns ${unknown.join(', ')}; expected ${HOUSEHOLD_IMPORT_COLUMNS.join(',')}`);
      const errors: HouseholdImportResult['errors'] = [];
      const good: { line: number; h: HouseholdInput }[] = [];
      const ids = new Map<string, number>();
      const claimed = new Map<string, string>();
      const parsedRows = rows.map(({ line, values }) => ({ line, row: values, parsed: householdSchema.safeParse(toInput(values)) }));
      const holders = await store.holders([...new Set(parsedRows.flatMap((r) => (r.parsed.success ? r.parsed.data.deviceIds : [])))]);
      parsedRows.forEach(({ line, row, parsed }) => {
        const id = typeof row.id === 'string' && row.id.trim() !== '' ? row.id.trim() : row.id != null ? String(row.id) : null;
        if (!parsed.success) {
          errors.push({ line, id, message: parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ') });
          return;
        }
        const h = parsed.data;
        const earlier = ids.get(h.id);
        if (earlier !== undefined) return void errors.push({ line, id: h.id, message: `id ${h.id} is also on line ${earlier}` });
        const wrong = problem(h, null, holders, claimed);
        if (wrong) return void errors.push({ line, id: h.id, message: wrong });
        ids.set(h.id, line);
        for (const d of h.deviceIds) claimed.set(d, h.id);
        good.push({ line, h });
      });
      const { inserted, taken } = await store.insertMany(
        good.map((g) => g.h),
        clock(),
      );
      const takenSet = new Set(taken);
      for (const g of good) if (takenSet.has(g.h.id)) errors.push({ line: g.line, id: g.h.id, message: `household ${g.h.id} exists` });
      errors.sort((a, b) => a.line - b.line);
      return { created: inserted, errors };
    },
  };
}

export type HouseholdService = ReturnType<typeof createHouseholdService>;

/** A row of a CSV or a sheet as the schema takes it: empty cells absent, sensors split, the area a number. */
function toInput(row: Record<string, string | number | null | undefined>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(row)) {
    if (raw === null || raw === undefined) continue;
    const value = typeof raw === 'number' ? raw : raw.trim();
    if (value === '') continue;
    if (key === 'deviceIds') input.deviceIds = String(value).split(/[;,\s]+/).filter(Boolean);
    else if (key === 'areaM2') input.areaM2 = typeof value === 'number' ? value : Number.isNaN(Number(value)) ? value : Number(value);
    else input[key] = String(value);
  }
  return input;
}
