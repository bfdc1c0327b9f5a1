/**
 * The demo's customers: one household per simulated room (made-up names and 139 numbers that
 * reach nobody: the demo's "SMS" is the terminal), imported through the same CSV import an admin
 * uses for the company's list, so 停热管理 shows whom a stop reaches and the notices go out.
 */
import { csvLine } from '../ingest/services/device-import.ts';
import type { Fleet } from './fleet.ts';
import type { HeatWatchClient } from './heatwatch-client.ts';

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '孔', '孟', '颜', '曾'];
const GIVEN = ['建国', '秀英', '桂兰', '志强', '海燕', '明', '静', '伟', '丽', '军', '霞', '磊', '淑珍', '国强', '玉兰', '红梅', '建华', '丽娟', '文', '芳', '勇', '艳', '涛', '洁'];

/** The fleet's households as the import takes them. */
export function demoHouseholdsCsv(fleet: Fleet): string {
  const lines = [csvLine(['id', 'name', 'phone', 'address', 'substationId', 'deviceIds', 'areaM2'])];
  fleet.rooms.forEach((r, i) => {
    const d = r.device;
    // 336 different names before one repeats: a search by name finds one family in a demo.
    const name = `${SURNAMES[i % SURNAMES.length]}${GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]}`;
    lines.push(csvLine([`H-${d.id}`, name, `139${String(i).padStart(8, '0')}`, d.address ?? '', d.substationId ?? '', d.id, String(60 + ((i * 37) % 70))]));
  });
  return `${lines.join('\r\n')}\r\n`;
}

/** Imports them; those already there (a re-run on the same data) are reported and left as they are. */
export async function importDemoHouseholds(client: HeatWatchClient, fleet: Fleet): Promise<{ created: number; errors: number }> {
  const res = await client.request<{ created: number; errors: unknown[] }>('POST', '/api/households/import', demoHouseholdsCsv(fleet), { contentType: 'text/csv' });
  if (res.status !== 200) throw new Error(`households import: ${res.status} ${JSON.stringify(res.body)}`);
  return { created: res.body.created, errors: res.body.errors.length };
}
