/** The substations the fleet knows, for choosing a team's area and looking up who is on duty. */
import type { DeviceStore } from '../../state/devices.svelte.ts';

export interface SubstationOption {
  id: string;
  name: string;
}

export function substationOptions(devices: Pick<DeviceStore, 'all'>): SubstationOption[] {
  const list: SubstationOption[] = [];
  for (const d of devices.all()) if (d.kind === 'substation') list.push({ id: d.id, name: d.name });
  // By id, numbers in order (SS-2 before SS-10): Chinese names sort by pinyin, which puts 二号 before 一号.
  return list.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}
