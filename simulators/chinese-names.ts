/** Chinese display names for simulated devices, as a Zoucheng dispatcher would write them. */

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const UNITS = ['', '十', '百', '千'];

/** 1 → 一, 10 → 十, 12 → 十二, 105 → 一百零五, 2024 → 二千零二十四 (1 … 9999; larger stay Arabic). */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 9999) return String(n);
  const digits = String(n).split('').map(Number);
  let out = '';
  let pendingZero = false;
  digits.forEach((d, i) => {
    const unit = UNITS[digits.length - 1 - i]!;
    if (d === 0) {
      pendingZero = out !== '';
      return;
    }
    if (pendingZero) out += '零';
    pendingZero = false;
    // 十二, not 一十二, when the tens lead.
    out += d === 1 && unit === '十' && out === '' ? unit : DIGITS[d]! + unit;
  });
  return out;
}

/** Towns and neighbourhoods of Zoucheng, used as residential-compound names. */
const COMPOUNDS = [
  '唐村', '峄山', '凫山', '钢山', '千泉', '太平', '岗山', '孟府', '东滩', '文化苑',
  '鑫源', '铁山', '平阳', '香城', '中心店', '郭里', '北宿', '大束', '石墙', '田黄',
];

/** The compound a substation serves; past the list, later phases (二期, 三期 …) of the same names. */
export function compoundName(index: number): string {
  const base = COMPOUNDS[index % COMPOUNDS.length]!;
  const phase = Math.floor(index / COMPOUNDS.length) + 1;
  return phase === 1 ? `${base}小区` : `${base}小区${chineseNumber(phase)}期`;
}

/** 一号换热站, 十二号换热站 … */
export function substationName(number: number): string {
  return `${chineseNumber(number)}号换热站`;
}

export const ROOM_LABELS = { living: '客厅', bedroom: '主卧' } as const;

export interface Flat {
  building: number;
  unit: number;
  floor: number;
  door: number;
}

/** 501 = fifth floor, door 1: the way flats are numbered on Chinese stairwells. */
export function flatNumber(flat: Flat): string {
  return `${flat.floor}${String(flat.door).padStart(2, '0')}`;
}

export function roomName(compound: string, flat: Flat, roomType: keyof typeof ROOM_LABELS): string {
  return `${compound}${flat.building}号楼${flat.unit}单元${flatNumber(flat)} ${ROOM_LABELS[roomType]}`;
}

export function roomAddress(compound: string, flat: Flat): string {
  return `山东省济宁市邹城市${compound}${flat.building}号楼${flat.unit}单元${flatNumber(flat)}室`;
}

export function substationAddress(compound: string): string {
  return `山东省济宁市邹城市${compound}换热站`;
}
