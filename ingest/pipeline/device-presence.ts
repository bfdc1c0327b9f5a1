/**
 * What the dashboard needs to know of each device right now: connected or not, when it was
 * last heard, its latest reading. In memory, saved to the registry every few seconds so a
 * restart begins with the last values instead of a blank map.
 */
import type { DeviceLive } from '../contracts/devices.ts';
import type { PresenceNews } from '../contracts/events.ts';
import type { Reading } from '../contracts/payloads.ts';
import type { RuleFact } from '../contracts/rule-facts.ts';
import type { RuleEvent } from '../core/rules/rule-types.ts';
import type { DeviceRegistry, LastState } from '../ports/device-registry.ts';

export async function createDevicePresence(registry: Pick<DeviceRegistry, 'loadLastStates' | 'saveLastStates'>) {
  const last = new Map<string, LastState>();
  const online = new Set<string>();
  const quality = new Map<string, { at: string; facts: RuleFact[] }>();
  let dirty = new Map<string, LastState>();
  for (const s of await registry.loadLastStates()) last.set(s.deviceId, s);

  return {
    /**
     * Keeps the newest reading per device by event time, whatever order they arrive in, and
     * notes that the device was heard from now (a late backlog still counts as a sign of life).
     */
    noteReadings(readings: readonly Reading[], now: number): void {
      for (const r of readings) {
        const prev = last.get(r.deviceId);
        const newer = !prev || r.ts >= prev.ts;
        const state = newer ? { deviceId: r.deviceId, ts: r.ts, values: r.values, seenAt: now } : { ...prev, seenAt: now };
        last.set(r.deviceId, state);
        dirty.set(r.deviceId, state);
      }
    },
    /**
     * What another node learnt (several nodes): its readings, newest by event time kept as here
     * but saved by that node, not this one; a connection it saw; a flag it raised or cleared.
     */
    applyPeerNews(news: PresenceNews, now: number): void {
      if (news.kind === 'online') {
        if (news.online) online.add(news.deviceId);
        else online.delete(news.deviceId);
      } else if (news.kind === 'quality') {
        if (news.quality) quality.set(news.deviceId, news.quality);
        else quality.delete(news.deviceId);
      } else {
        for (const r of news.readings) {
          const ts = Date.parse(r.ts);
          const prev = last.get(r.deviceId);
          last.set(r.deviceId, !prev || ts >= prev.ts ? { deviceId: r.deviceId, ts, values: r.values, seenAt: now } : { ...prev, seenAt: now });
        }
      }
    },
    /** Returns true when the state changed. */
    setOnline(deviceId: string, isOnline: boolean): boolean {
      if (online.has(deviceId) === isOnline) return false;
      if (isOnline) online.add(deviceId);
      else online.delete(deviceId);
      return true;
    },
    /** Implausible data the rules saw: a flag on the device, never a customer ticket. */
    applyRuleEvents(events: readonly RuleEvent[]): void {
      for (const e of events) if (e.kind === 'data_quality') quality.set(e.deviceId, { at: new Date(e.at).toISOString(), facts: e.facts });
    },
    /**
     * A visit's thermometer disagreed with the sensor (a data-quality flag until a later visit
     * agrees with it: `null` clears it).
     */
    flagCalibration(deviceId: string, flag: { at: number; measuredC: number; sensorC: number; limitC: number; visitId: string } | null): void {
      const current = quality.get(deviceId);
      if (flag) quality.set(deviceId, { at: new Date(flag.at).toISOString(), facts: [{ fact: 'calibrate', measuredC: flag.measuredC, sensorC: flag.sensorC, limitC: flag.limitC, visitId: flag.visitId }] });
      else if (current?.facts.some((f) => f.fact === 'calibrate')) quality.delete(deviceId);
    },
    view(deviceId: string): DeviceLive {
      const s = last.get(deviceId);
      return {
        online: online.has(deviceId),
        dataQuality: quality.get(deviceId) ?? null,
        lastSeenAt: s ? new Date(s.seenAt).toISOString() : null,
        lastReading: s ? { ts: new Date(s.ts).toISOString(), values: s.values } : null,
      };
    },
    async persist(): Promise<void> {
      if (dirty.size === 0) return;
      const batch = [...dirty.values()];
      dirty = new Map();
      try {
        await registry.saveLastStates(batch);
      } catch (err) {
        // Kept for the next save, unless newer values came meanwhile.
        for (const s of batch) if (!dirty.has(s.deviceId)) dirty.set(s.deviceId, s);
        throw err;
      }
    },
  };
}

export type DevicePresence = Awaited<ReturnType<typeof createDevicePresence>>;
