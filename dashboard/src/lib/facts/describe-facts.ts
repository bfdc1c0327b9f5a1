/**
 * The rules' facts and the timeline's system entries, said in the reader's language. Pure over
 * an `I18n`-like `t`, so the queue, the detail, the device panel and the tests agree.
 */
import type { FieldName } from '../../../../ingest/contracts/payloads.ts';
import type { RuleFact } from '../../../../ingest/contracts/rule-facts.ts';
import type { Ticket, TimelineData } from '../../../../ingest/contracts/tickets.ts';
import type { MessageKey } from '../i18n/i18n.svelte.ts';
import { deliveryErrorText } from './delivery-errors.ts';

export interface Words {
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  dateTime(iso: string | number | null): string;
}

type NameOf = (id: string) => string | undefined;

const c = (v: number) => `${v.toFixed(1)} °C`;
const mpa = (v: number) => `${v.toFixed(2)} MPa`;
const valueOf = (field: FieldName, v: number) => (field.endsWith('Pressure') ? mpa(v) : c(v));
const fieldName = (w: Words, field: FieldName) => w.t(`field.${field}` as MessageKey);

export function describeFact(w: Words, f: RuleFact, nameOf: NameOf = () => undefined): string {
  const minutes = (ms: number) => w.t('fact.minutes', { n: Math.round(ms / 60_000) });
  switch (f.fact) {
    case 'room_low':
      return w.t('fact.room_low', { temp: c(f.tempC), below: c(f.belowC), for: minutes(f.forMs), lowest: c(f.lowestC) });
    case 'room_warm_again':
      return w.t('fact.room_warm_again', { temp: c(f.tempC), recover: c(f.recoverAtC), for: minutes(f.forMs) });
    case 'sudden_drop':
      return w.t('fact.sudden_drop', { within: minutes(f.withinMs), from: c(f.fromC), to: c(f.toC), drop: c(f.fromC - f.toC), windowMin: f.windowMin, threshold: c(f.dropC) });
    case 'drop_recovered':
      return w.t('fact.drop_recovered', { temp: c(f.tempC), ref: c(f.refC), within: c(f.withinC), for: minutes(f.forMs) });
    case 'supply_fell':
      return w.t('fact.supply_fell', { field: fieldName(w, f.field), within: minutes(f.withinMs), from: valueOf(f.field, f.from), to: valueOf(f.field, f.to) });
    case 'supply_normal': {
      const levels = [
        f.pressureMPa === null ? null : `${fieldName(w, 'supplyPressure')} ${mpa(f.pressureMPa)}`,
        f.tempC === null ? null : `${fieldName(w, 'supplyTemp')} ${c(f.tempC)}`,
      ].filter((x) => x !== null);
      return levels.length ? w.t('fact.supply_normal.levels', { for: minutes(f.forMs), levels: levels.join(', ') }) : w.t('fact.supply_normal', { for: minutes(f.forMs) });
    }
    case 'pump_stopped':
      return w.t('fact.pump_stopped', { within: minutes(f.withinMs), from: mpa(f.fromMPa), to: mpa(f.toMPa) });
    case 'flow_collapsed':
      return w.t('fact.flow_collapsed', { within: minutes(f.withinMs), from: f.from.toFixed(1), to: f.to.toFixed(1), pressure: mpa(f.pressureMPa) });
    case 'pump_failing':
      return w.t('fact.pump_failing', { within: minutes(f.withinMs), secFrom: c(f.secFromC), secTo: c(f.secToC), primFrom: c(f.primFromC), primTo: c(f.primToC) });
    case 'substation_normal':
      return w.t('fact.substation_normal', { for: minutes(f.forMs) });
    case 'makeup_high':
      return w.t('fact.makeup_high', { percent: f.percent.toFixed(1), limit: f.limitPercent, for: minutes(f.forMs) });
    case 'makeup_normal':
      return w.t('fact.makeup_normal', { percent: f.percent.toFixed(1), for: minutes(f.forMs) });
    case 'outdoor_day_mean':
      return w.t('fact.outdoor_day_mean', { date: f.date, outdoor: c(f.outdoorC), design: c(f.designC) });
    case 'silent':
      return w.t('fact.silent', { for: minutes(f.silentMs), intervals: f.intervals, intervalSec: f.intervalSec });
    case 'reporting_again':
      return w.t('fact.reporting_again', { for: minutes(f.silentMs) });
    case 'out_of_range':
      return w.t('fact.out_of_range', { field: fieldName(w, f.field), value: f.value, min: f.min, max: f.max });
    case 'too_fast':
      return w.t(f.to > f.from ? 'fact.too_fast.rise' : 'fact.too_fast.fall', { field: fieldName(w, f.field), within: minutes(f.withinMs), from: c(f.from), to: c(f.to), perMin: f.perMin, max: c(f.maxChange) });
    case 'rooms_together':
      return w.t('fact.rooms_together', { substation: nameOf(f.substationId) ?? f.substationId, rooms: f.rooms, affected: f.affected, windowMin: f.windowMin, needed: f.needed });
    case 'calibrate':
      return w.t('fact.calibrate', { measured: c(f.measuredC), sensor: c(f.sensorC), limit: c(f.limitC), visit: f.visitId });
    case 'outdoor_below_design':
      return w.t('fact.outdoor_below_design', { outdoor: c(f.outdoorC), design: c(f.designC) });
  }
}

export function describeFacts(w: Words, facts: readonly RuleFact[], nameOf?: NameOf): string {
  return facts.map((f) => describeFact(w, f, nameOf)).join(w.t('fact.separator'));
}

/** What the ticket is about: the rule's facts in words, or what the caller said (and older tickets' stored text). */
export function ticketSummary(w: Words, t: Pick<Ticket, 'facts' | 'description'>, nameOf?: NameOf): string {
  return t.facts ? describeFacts(w, t.facts, nameOf) : t.description;
}

/** A system entry of the timeline in words. */
export function describeTimelineData(w: Words, d: TimelineData, nameOf?: NameOf): string {
  if ('facts' in d) return w.t('timeline.data.withEventAt', { what: describeFacts(w, d.facts, nameOf), at: w.dateTime(d.eventAt) });
  if ('rooms' in d) return w.t('timeline.data.rooms', { count: d.rooms.length, ids: d.rooms.map((id) => nameOf?.(id) ?? id).join(', ') });
  if ('under' in d) return w.t('timeline.data.under', { id: d.under });
  if ('skipped' in d) return w.t(`timeline.data.skipped.${d.skipped}`, { kind: w.t(`alert.kind.${d.alert}`), substation: d.substationId ? (nameOf?.(d.substationId) ?? d.substationId) : '—' });
  if ('channel' in d) {
    const vars = { kind: w.t(`alert.kind.${d.alert}`), channel: d.channel, people: d.people.join('、'), error: d.error === undefined ? '' : deliveryErrorText(w, d.error) };
    return w.t(d.error === undefined ? 'timeline.data.alert' : 'timeline.data.alertFailed', vars);
  }
  if ('firstReply' in d) return w.t(`timeline.data.firstReply.${d.firstReply ?? 'none'}`, { due: w.dateTime(d.fullAnswerDueAt) });
  if ('satisfaction' in d) return w.t('timeline.data.callback', { satisfaction: w.t(`ticket.satisfaction.${d.satisfaction}`), number: d.calledNumber });
  if ('assignee' in d) return d.incident ? w.t('timeline.data.assigneeIncident', { name: d.name, id: d.incident }) : w.t('timeline.data.assignee', { name: d.name });
  if ('incident' in d) return w.t('timeline.data.incident', { id: d.incident });
  if ('visit' in d) return w.t('timeline.data.visit', { id: d.visit });
  if ('explanation' in d) return w.t('timeline.data.diagnosed', { cause: d.cause, explanation: d.explanation });
  if ('department' in d) return w.t('timeline.data.department', { department: d.department });
  if (d.via === 'ack_link') return w.t('timeline.data.ack_link');
  return d.intake && d.intake !== 'phone' ? w.t(`ticket.channel.${d.intake}`) : w.t('timeline.data.hotline');
}
