/**
 * The simulated fleet: substations, each serving one residential compound, and the monitored
 * rooms in that compound's buildings. Everything follows from (rooms, substations, seed): ids,
 * Chinese names, places around Zoucheng and each device's physics.
 */
import { DEFAULT_INTERVAL_SEC, type NewDevice } from '../ingest/contracts/devices.ts';
import { compoundName, roomAddress, roomName, substationAddress, substationName, type Flat } from './chinese-names.ts';
import { between, hashInts, intBetween, mulberry32, type Random } from './prng.ts';
import { randomRoomParams, type RoomParams, type RoomSituation } from './room-model.ts';
import { randomSubstationParams, type SubstationParams } from './substation-model.ts';

/** Zoucheng city centre. */
export const ZOUCHENG = { lat: 35.405, lng: 116.973 } as const;
const KM_PER_DEG_LAT = 111.2;
const KM_PER_DEG_LNG = KM_PER_DEG_LAT * Math.cos((ZOUCHENG.lat * Math.PI) / 180);

/** Six-storey walk-ups, three stairwells, two flats per landing: the common Shandong block. */
const FLOORS = 6;
const UNITS = 3;
const DOORS = 2;
const FLATS_PER_BUILDING = FLOORS * UNITS * DOORS;
/** Share of rooms on a poorly balanced riser: marginal, the first to go cold. */
const POORLY_BALANCED_SHARE = 0.04;

export interface FleetSubstation {
  index: number;
  device: NewDevice;
  params: SubstationParams;
}

export interface FleetRoom {
  index: number;
  /** Index of the substation that feeds it. */
  substation: number;
  device: NewDevice;
  situation: RoomSituation;
  poorlyBalanced: boolean;
  params: RoomParams;
}

export interface Fleet {
  substations: FleetSubstation[];
  rooms: FleetRoom[];
}

export interface FleetSize {
  rooms: number;
  substations: number;
  seed: number;
  /** Put before every device id (`s7k2-SS-001`), so two fleets on one HeatWatch never share a device. */
  prefix?: string;
}

export const DEVICE_PREFIX = /^[A-Za-z0-9_]{1,16}$/;

/** A point `km` away from `origin` at `angle`, rounded to ~1 m. */
function offset(origin: { lat: number; lng: number }, km: number, angle: number) {
  return {
    lat: Number((origin.lat + (km * Math.sin(angle)) / KM_PER_DEG_LAT).toFixed(6)),
    lng: Number((origin.lng + (km * Math.cos(angle)) / KM_PER_DEG_LNG).toFixed(6)),
  };
}

/** Uniform in a disc of `radiusKm`. */
function scatter(random: Random, origin: { lat: number; lng: number }, radiusKm: number) {
  return offset(origin, radiusKm * Math.sqrt(random()), between(random, 0, 2 * Math.PI));
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Flats of one building in a seeded order, so a small fleet still spans floors and stairwells. */
function shuffledFlats(random: Random, building: number): Flat[] {
  const flats: Flat[] = [];
  for (let unit = 1; unit <= UNITS; unit++) {
    for (let floor = 1; floor <= FLOORS; floor++) {
      for (let door = 1; door <= DOORS; door++) flats.push({ building, unit, floor, door });
    }
  }
  for (let i = flats.length - 1; i > 0; i--) {
    const j = intBetween(random, 0, i);
    [flats[i], flats[j]] = [flats[j]!, flats[i]!];
  }
  return flats;
}

function buildRooms(size: FleetSize, substations: FleetSubstation[], random: Random): FleetRoom[] {
  const rooms: FleetRoom[] = [];
  const ssWidth = Math.max(3, String(size.substations).length);
  const roomWidth = Math.max(4, String(Math.ceil(size.rooms / Math.max(1, size.substations))).length);
  for (const ss of substations) {
    const first = Math.floor((ss.index * size.rooms) / substations.length);
    const last = Math.floor(((ss.index + 1) * size.rooms) / substations.length);
    const compound = compoundName(ss.index);
    let flats: Flat[] = [];
    let buildingPlace = { lat: ss.device.lat, lng: ss.device.lng };
    for (let k = 0; k < last - first; k++) {
      if (k % FLATS_PER_BUILDING === 0) {
        const building = k / FLATS_PER_BUILDING + 1;
        flats = shuffledFlats(random, building);
        // Buildings stand within 0.9 km of their substation: a compound, not a district.
        buildingPlace = scatter(random, ss.device, 0.9);
      }
      const flat = flats[k % FLATS_PER_BUILDING]!;
      const roomType = random() < 0.7 ? 'living' : 'bedroom';
      const poorlyBalanced = random() < POORLY_BALANCED_SHARE;
      const situation: RoomSituation = {
        topFloor: flat.floor === FLOORS,
        groundFloor: flat.floor === 1,
        gableEnd: (flat.unit === 1 && flat.door === 1) || (flat.unit === UNITS && flat.door === DOORS),
        balance: poorlyBalanced ? between(random, 0.82, 0.87) : between(random, 0.93, 1.02),
      };
      rooms.push({
        index: rooms.length,
        substation: ss.index,
        // The id says where the sensor hangs in the network, nothing about who lives there.
        device: {
          id: `${idPrefix(size)}R-${pad(ss.index + 1, ssWidth)}-${pad(k + 1, roomWidth)}`,
          kind: 'room',
          name: roomName(compound, flat, roomType),
          ...offset(buildingPlace, 0.01 * random(), between(random, 0, 2 * Math.PI)),
          address: roomAddress(compound, flat),
          roomType,
          substationId: ss.device.id,
          intervalSec: DEFAULT_INTERVAL_SEC.room,
        },
        situation,
        poorlyBalanced,
        params: randomRoomParams(situation, random),
      });
    }
  }
  return rooms;
}

function idPrefix(size: FleetSize): string {
  return size.prefix ? `${size.prefix}-` : '';
}

export function buildFleet(size: FleetSize): Fleet {
  if (size.substations < 1 && size.rooms > 0) throw new RangeError('rooms need at least one substation to feed them');
  if (size.prefix && !DEVICE_PREFIX.test(size.prefix)) throw new RangeError(`device-id prefix "${size.prefix}" must be 1–16 letters, digits or _`);
  const random = mulberry32(hashInts(size.seed, 0xf1ee7));
  const ssWidth = Math.max(3, String(size.substations).length);
  // The network grows outwards with its size: ~4 km across for 50 stations, 10 km at most.
  const radiusKm = Math.min(10, 4 * Math.sqrt(Math.max(1, size.substations) / 50));
  const substations: FleetSubstation[] = [];
  for (let i = 0; i < size.substations; i++) {
    const compound = compoundName(i);
    substations.push({
      index: i,
      device: {
        id: `${idPrefix(size)}SS-${pad(i + 1, ssWidth)}`,
        kind: 'substation',
        name: substationName(i + 1),
        ...scatter(random, ZOUCHENG, radiusKm),
        address: substationAddress(compound),
        intervalSec: DEFAULT_INTERVAL_SEC.substation,
      },
      params: randomSubstationParams(random),
    });
  }
  return { substations, rooms: buildRooms(size, substations, random) };
}
