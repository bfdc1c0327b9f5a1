/**
 * The rule numbers in force that the dashboard draws with (GET /api/rules): what counts as a
 * cold room, a sudden drop, a silent sensor. Served from the rules file the server runs on,
 * never copied into the dashboard, so a company that sets its own threshold sees it on the map.
 */
import type { RoomType } from './devices.ts';

export interface RuleNumbers {
  roomLow: {
    /** 服务承诺 二.1(2): a bedroom or living room below this (°C) is not up to standard. */
    belowC: number;
    /** …for this long before a ticket opens. */
    forMin: number;
    /** Recovered at or above this (hysteresis). */
    recoverAtC: number;
    roomTypes: RoomType[];
  };
  suddenDrop: { dropC: number; withinMin: number };
  /** Offline after this many missed intervals. */
  offline: { intervals: number };
}
