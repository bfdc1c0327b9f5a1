/**
 * The handover sheet from what is open now, pure: incidents with their open rooms, the other
 * open tickets most urgent first, what callers were promised, and the stops under way or due
 * within a day. Tickets already resolved are no one's work but a callback: they appear only
 * as a promise.
 */
import type { HandoverPromise, HandoverSheet, HandoverStop, HandoverTicket } from '../../contracts/handovers.ts';
import type { OutageView } from '../../contracts/outages.ts';
import type { DeadlineState, Ticket } from '../../contracts/tickets.ts';
import { isIncident } from '../../contracts/ticket-lifecycle.ts';

const DAY_MS = 86_400_000;
const WORKING: ReadonlySet<Ticket['status']> = new Set(['open', 'acknowledged', 'on_site']);
/** Breached first, then at risk, then on time; within each the earliest deadline. */
const URGENCY: Record<DeadlineState, number> = { breached: 0, at_risk: 1, on_time: 2, none: 3, met: 4 };

const byUrgency = (a: { deadlineState: DeadlineState; dueAt: string | null }, b: { deadlineState: DeadlineState; dueAt: string | null }) =>
  URGENCY[a.deadlineState] - URGENCY[b.deadlineState] || (a.dueAt ?? '9').localeCompare(b.dueAt ?? '9');

export function handoverSheet(active: readonly Ticket[], stops: readonly OutageView[], nameOf: (id: string) => string | undefined, now: number): HandoverSheet {
  // A caller who gave no address: what they said stands for the place.
  const place = (t: Ticket) => (t.deviceId ? (nameOf(t.deviceId) ?? t.deviceId) : (t.address ?? (t.substationId ? (nameOf(t.substationId) ?? t.substationId) : t.description.slice(0, 40) || '—')));
  const working = active.filter((t) => WORKING.has(t.status));
  const rooms = new Map<string, number>();
  for (const t of working) if (t.parentId) rooms.set(t.parentId, (rooms.get(t.parentId) ?? 0) + 1);
  const item = (t: Ticket): HandoverTicket => ({
    id: t.id,
    type: t.type,
    status: t.status,
    place: place(t),
    assignee: t.assignee?.name ?? null,
    milestone: t.milestone,
    dueAt: t.dueAt,
    deadlineState: t.deadlineState,
    rooms: rooms.get(t.id) ?? 0,
  });
  const incident = (t: Ticket) => isIncident(t) || rooms.has(t.id);
  const incidents = working.filter(incident);
  const incidentIds = new Set(incidents.map((t) => t.id));
  const tickets = working.filter((t) => !incident(t) && !(t.parentId && incidentIds.has(t.parentId)));

  const promises: HandoverPromise[] = [];
  for (const t of active) {
    const to = t.contact ?? place(t);
    if (t.status === 'resolved' && t.callbackDueAt) promises.push({ ticketId: t.id, kind: 'callback', to, dueAt: t.callbackDueAt, state: t.callbackState });
    else if (t.source === 'hotline' && WORKING.has(t.status) && t.milestone && t.dueAt) promises.push({ ticketId: t.id, kind: t.milestone, to, dueAt: t.dueAt, state: t.deadlineState });
  }

  const underWay = stops.filter((s) => s.status === 'active' || (s.status === 'scheduled' && Date.parse(s.startsAt) - now <= DAY_MS));
  const stopItems: HandoverStop[] = underWay.map((s) => ({
    id: s.id,
    substation: nameOf(s.substationId) ?? s.substationId,
    areas: s.areas,
    kind: s.kind,
    status: s.status,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    reason: s.reason,
    households: s.notices.households,
    told: s.notices.sent,
    failed: s.notices.failed,
  }));

  return {
    incidents: incidents.map(item).sort(byUrgency),
    tickets: tickets.map(item).sort(byUrgency),
    promises: promises.sort((a, b) => byUrgency({ deadlineState: a.state, dueAt: a.dueAt }, { deadlineState: b.state, dueAt: b.dueAt })),
    stops: stopItems.sort((a, b) => a.startsAt.localeCompare(b.startsAt)),
  };
}
