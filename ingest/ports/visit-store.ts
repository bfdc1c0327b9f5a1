import type { Measurement, Visit } from '../contracts/visits.ts';

export interface VisitCompletion {
  at: number;
  by: string;
  measurements: Measurement[];
  signaturePng: Buffer | null;
  refused: Visit['refused'];
  note: string;
}

/** Visits and their forms; the signature apart (a PNG), read only when asked for. */
export interface VisitStore {
  insert(v: { householdId: string; scheduledAt: number; staff: string[]; ticketId: string | null; customerAskedForNight: boolean; note: string; at: number; by: string }): Promise<Visit>;
  get(id: string): Promise<Visit | undefined>;
  list(q: { householdId?: string; status?: Visit['status']; limit: number }): Promise<Visit[]>;
  /** Visits appointed in [from, to), planned or done (not cancelled), earliest first: a day's visits. */
  scheduled(from: number, to: number): Promise<Visit[]>;
  /** Records the form once: false when the visit was not planned any more. */
  complete(id: string, c: VisitCompletion): Promise<boolean>;
  cancel(id: string, at: number): Promise<boolean>;
  signature(id: string): Promise<Buffer | undefined>;
  /** Visits recorded in [from, to): how many, how many refused to sign, how many sensors they flagged. */
  figures(from: number, to: number): Promise<{ done: number; refused: number; sensorsFlagged: number }>;
  /** Sensors whose last measured visit said calibrate, with that visit (flags survive a restart). */
  calibrationFlags(): Promise<{ deviceId: string; visitId: string; at: number; measuredC: number; sensorC: number }[]>;
}
