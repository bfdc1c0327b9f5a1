/**
 * Tickets: opened by the rules (once per episode, linked under a substation ticket when rooms
 * go cold together) or by a dispatcher from a hotline call; moved through their lifecycle one
 * authenticated step at a time; every change in the timeline and pushed live.
 */
import { addDays, localMidnight, type LocalDate } from '../contracts/beijing-time.ts';
import type { Device } from '../contracts/devices.ts';
import { HOTLINE_TYPES, type FOUND_EXEMPTIONS, type IntakeChannel, type Satisfaction, type Ticket, type TicketQuery, type TimelineData, type TimelineEntry } from '../contracts/tickets.ts';
import { deadlineState } from '../contracts/deadline-state.ts';
import { applyStep, closesWithoutCallback, INCIDENT_STEPS, type Step } from '../contracts/ticket-lifecycle.ts';
import { MILESTONE, reachesMilestone } from '../core/tickets/lifecycle.ts';
import type { OpenEpisode, RuleEvent } from '../core/rules/rule-types.ts';
import type { RuleFact } from '../contracts/rule-facts.ts';
import { AppError } from '../errors.ts';
import type { TicketRecord, TicketStore, TimelineInput } from '../ports/ticket-store.ts';
import type { TicketTimeline } from '../ports/ticket-timeline.ts';
import type { Deadlines } from './rules-config-source.ts';

export interface TicketServiceDeps {
  store: TicketStore;
  deadlines: Deadlines;
  device: (id: string) => Device | undefined;
  clock?: () => number;
}

type TicketListener = (ticket: Ticket) => void;
/** Awaited before an opening is done (alerting plans the ticket's pages). */
type OpenListener = (ticket: Ticket) => Promise<void> | void;
type FoundExemption = (typeof FOUND_EXEMPTIONS)[number];

/** What a step carries: a note; the cause (diagnose, resolve), the explanation (diagnose), the department (negotiate), the callback's answer. */
export interface StepInput {
  note?: string;
  cause?: string;
  explanation?: string;
  department?: string;
  complex?: boolean;
  via?: 'ack_link';
  satisfaction?: Satisfaction;
  calledNumber?: string;
  visit?: string;
  /** At the resolution: the building envelope or the customer's installation is the cause. */
  exemption?: FoundExemption;
}

const RULE_ACTOR = 'rules';
/** The room tickets whose days an exemption found at the resolution takes out of the count. */
const EXEMPTABLE: ReadonlySet<string> = new Set(['room_temp_low', 'temp_drop', 'heating_quality']);
/** The rules whose open tickets are episodes the engine must know of after a restart. */
const EPISODE_RULES: ReadonlySet<string> = new Set(['room_low', 'sudden_drop', 'substation_collapse', 'substation_fault', 'substation_leak', 'offline']);

export function createTicketService({ store, deadlines, device, clock = Date.now }: TicketServiceDeps) {
  const changeListeners: TicketListener[] = [];
  let ruleEvents: Promise<void> = Promise.resolve();
  const openListeners: OpenListener[] = [];

  function view(t: TicketRecord, now = clock()): Ticket {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      id: t.id,
      type: t.type,
      status: t.status,
      source: t.source,
      channel: t.channel,
      rule: t.rule,
      deviceId: t.deviceId,
      substationId: t.substationId,
      parentId: t.parentId,
      description: t.description,
      facts: t.facts,
      address: t.address,
      contact: t.contact,
      openedAt: iso(t.openedAt)!,
      eventAt: iso(t.eventAt),
      milestone: t.milestone,
      dueAt: iso(t.dueAt),
      milestoneAt: iso(t.milestoneAt),
      deadlineState: deadlineState(t, now),
      exempt: t.exempt,
      recoveredAt: iso(t.recoveredAt),
      cause: t.cause,
      diagnosedAt: iso(t.diagnosedAt),
      explanation: t.explanation,
      negotiatingWith: t.negotiatingWith,
      accusedTeam: t.accusedTeam,
      resolvedAt: iso(t.resolvedAt),
      callbackDueAt: iso(t.callbackDueAt),
      callbackAt: iso(t.callbackAt),
      // The callback's milestone runs from the resolution to its due time, like any other.
      callbackState: t.resolvedAt === null ? 'none' : deadlineState({ openedAt: t.resolvedAt, dueAt: t.callbackDueAt, milestoneAt: t.callbackAt }, now),
      satisfaction: t.satisfaction,
      calledNumber: t.calledNumber,
      assignee: t.assigneeId === null ? null : { id: t.assigneeId, name: t.assigneeName ?? t.assigneeId },
      updatedAt: iso(t.updatedAt)!,
    };
  }

  const changed = (t: TicketRecord) => {
    if (changeListeners.length > 0) {
      const v = view(t);
      for (const listener of changeListeners) listener(v);
    }
    return t;
  };

  /**
   * The substation's open incident, for new room tickets to hang under: its fault, seen on its
   * own readings before the rooms went cold, or the correlation ticket over rooms gone cold together.
   */
  const parentFor = async (substationId: string | null) => (substationId ? ((await store.findOpen(substationId, 'substation_fault')) ?? (await store.findOpen(substationId, 'correlation'))) : undefined);

  /** Every open room-temperature ticket of the substation not under an incident yet goes under `parent`. */
  async function linkRooms(substationId: string, parent: TicketRecord, now: number): Promise<void> {
    for (const t of await store.active()) {
      if (t.substationId === substationId && t.parentId === null && t.id !== parent.id && (t.rule === 'room_low' || t.rule === 'sudden_drop')) {
        changed(await store.update(t.id, { parentId: parent.id }, { at: now, actor: RULE_ACTOR, action: 'linked', note: null, data: { under: parent.id } }));
      }
    }
  }

  type OpenInput = Omit<
    TicketRecord,
    'id' | 'updatedAt' | 'status' | 'dueAt' | 'milestone' | 'milestoneAt' | 'recoveredAt' | 'cause' | 'diagnosedAt' | 'explanation' | 'negotiatingWith' | 'resolvedAt' | 'callbackDueAt' | 'callbackAt' | 'satisfaction' | 'calledNumber' | 'assigneeId' | 'assigneeName' | 'closedAt' | 'openedAt' | 'channel' | 'accusedTeam'
  > & Partial<Pick<TicketRecord, 'channel' | 'accusedTeam'>>;

  async function open(input: OpenInput, actor: string, data: TimelineData) {
    const now = clock();
    const record = await store.insert(
      {
        channel: null,
        accusedTeam: null,
        ...input,
        status: 'open',
        openedAt: now,
        // Deadlines run on the wall clock from the moment HeatWatch (or the hotline) opened it.
        dueAt: deadlines.dueAt(input.type, now),
        milestone: MILESTONE[input.type],
        milestoneAt: null,
        recoveredAt: null,
        cause: null,
        diagnosedAt: null,
        explanation: null,
        negotiatingWith: null,
        resolvedAt: null,
        callbackDueAt: null,
        callbackAt: null,
        satisfaction: null,
        calledNumber: null,
        assigneeId: null,
        assigneeName: null,
        closedAt: null,
      },
      { at: now, actor, action: 'opened', note: null, data },
    );
    if (!record) return record;
    changed(record);
    // Its pages are planned before the opening is done: nothing opened goes unpaged.
    const v = view(record);
    for (const listener of openListeners) await listener(v);
    return record;
  }

  async function applyRuleEvent(e: RuleEvent): Promise<void> {
    const now = clock();
    switch (e.kind) {
      case 'open': {
        const d = device(e.deviceId);
        const substationId = e.substationId ?? (d?.kind === 'substation' ? d.id : (d?.substationId ?? null));
        const created = await open(
          {
            type: e.ticketType,
            source: 'rule',
            rule: e.rule,
            deviceId: e.deviceId,
            substationId,
            // The rooms' temperature tickets belong under a substation incident; a collapse felt at
            // several substations at once (one burst on a main) under the first one's.
            parentId:
              e.rule === 'room_low' || e.rule === 'sudden_drop'
                ? ((await parentFor(substationId))?.id ?? null)
                : e.rule === 'substation_collapse' && e.under
                  ? ((await store.findOpen(e.under, 'substation_collapse'))?.id ?? null)
                  : null,
            description: '',
            facts: e.facts,
            address: d?.address || null,
            contact: null,
            exempt: e.exempt,
            eventAt: e.at,
          },
          RULE_ACTOR,
          { facts: e.facts, eventAt: new Date(e.at).toISOString() },
        );
        // A substation fault is an incident: the rooms gone cold before it was seen go under it.
        if (created && e.rule === 'substation_fault' && substationId !== null) await linkRooms(substationId, created, now);
        if (!created) {
          // Still open from an earlier episode: one ticket per device and rule; note the return.
          const existing = await store.findOpen(e.deviceId, e.rule);
          if (existing?.recoveredAt) {
            const data = { facts: e.facts, eventAt: new Date(e.at).toISOString() };
            changed(await store.update(existing.id, { recoveredAt: null }, { at: now, actor: RULE_ACTOR, action: 'condition_returned', note: null, data }));
          }
        }
        return;
      }
      case 'recovered': {
        const existing = await store.findOpen(e.deviceId, e.rule);
        if (existing && !existing.recoveredAt) {
          const data = { facts: e.facts, eventAt: new Date(e.at).toISOString() };
          changed(await store.update(existing.id, { recoveredAt: now }, { at: now, actor: RULE_ACTOR, action: 'recovered', note: null, data }));
        }
        return;
      }
      case 'data_quality':
        return; // a flag on the device (presence), never a ticket
      case 'correlated': {
        const station = device(e.substationId);
        // The substation's fault, seen first, is already the incident these rooms belong to.
        const parent =
          (await store.findOpen(e.substationId, 'substation_fault')) ??
          (await open(
            {
              type: e.ticketType,
              source: 'rule',
              rule: 'correlation',
              deviceId: e.substationId,
              substationId: e.substationId,
              parentId: null,
              description: '',
              facts: e.facts,
              address: station?.address || null,
              contact: null,
              exempt: null,
              eventAt: e.at,
            },
            RULE_ACTOR,
            { rooms: e.roomIds },
          )) ??
          (await store.findOpen(e.substationId, 'correlation'));
        if (!parent) return;
        // Every open room-temperature ticket of the substation goes under it, also those of rooms
        // that went cold earlier than the correlation window: one incident, one place to look.
        await linkRooms(e.substationId, parent, now);
        return;
      }
    }
  }

  /**
   * One lifecycle step on one ticket; `incident`: taken on the substation incident it is linked
   * under. Decided on the ticket as it is when written: when another request (or node) changed it
   * between the read and the write, it is read again and the step decided anew — of two people
   * acknowledging at once, one acknowledges and the other is told it is acknowledged already.
   */
  async function takeStep(read: TicketRecord, step: Step, actor: string, input: StepInput, incident: string | null): Promise<Ticket> {
    let t = read;
    for (let attempt = 1; ; attempt++) {
      const { patch, entry } = planStep(t, step, actor, input, incident);
      const written = await store.updateIf(t.id, t.updatedAt, patch, entry);
      if (written) return view(changed(written));
      const again = await store.get(t.id);
      if (!again) throw new AppError('HW_NOT_FOUND', `no ticket ${t.id}`);
      // Each miss means someone else's change landed; a ticket busy beyond this is left to a retry.
      if (attempt === 5) throw new AppError('HW_CONFLICT', `ticket ${t.id} is being changed by others right now: try again`);
      t = again;
    }
  }

  /** What a step writes to the ticket and its timeline, or why it is refused. */
  function planStep(t: TicketRecord, step: Step, actor: string, input: StepInput, incident: string | null): { patch: Partial<TicketRecord>; entry: TimelineInput } {
    if (input.complex && t.type !== 'inquiry') throw new AppError('HW_BAD_REQUEST', '`complex` applies to inquiries (咨询) only');
    const result = applyStep(t, step);
    if ('refused' in result) throw new AppError('HW_TICKET_STEP', result.refused);
    const now = clock();
    const patch: Partial<TicketRecord> = { status: result.to };
    if (t.milestoneAt === null && reachesMilestone(t.milestone, result.to)) patch.milestoneAt = now;
    // Resolving a ticket whose cause was found already may leave the cause out: it stands.
    const cause = step === 'diagnose' || step === 'resolve' ? (input.cause ?? (step === 'resolve' ? t.cause : null)) : null;
    if ((step === 'diagnose' || step === 'resolve') && !cause) throw new AppError('HW_BAD_REQUEST', 'the cause is required');
    // What the person wrote; the cause they found is theirs too, and leads the line.
    const note = cause !== null ? `${cause}${input.note ? ` — ${input.note}` : ''}` : (input.note ?? null);
    let data: TimelineData | null = input.via ? { via: input.via } : input.visit ? { visit: input.visit } : null;
    if (step === 'diagnose') {
      if (!input.explanation) throw new AppError('HW_BAD_REQUEST', 'what the customer was told is required');
      // 服务承诺 二.1(4): the 8 h promise is about finding the cause; the repair may come later.
      Object.assign(patch, { cause, explanation: input.explanation, diagnosedAt: now });
      if (t.milestone === 'cause_found' && t.milestoneAt === null) patch.milestoneAt = now;
      data = { cause: cause!, explanation: input.explanation };
    }
    if (step === 'negotiate') {
      if (!input.department) throw new AppError('HW_BAD_REQUEST', 'the responsible department is required');
      patch.negotiatingWith = input.department;
      data = { department: input.department };
    }
    if (input.complex) {
      // The first reply is given now (the timeline keeps whether it was in time); the deadline
      // becomes the full answer, reached when the ticket is resolved.
      const due = deadlines.complexAnswerDueAt(t.openedAt);
      Object.assign(patch, { milestone: 'full_answer', dueAt: due, milestoneAt: null });
      data = { firstReply: t.dueAt === null ? null : now <= t.dueAt ? 'in_time' : 'late', fullAnswerDueAt: new Date(due).toISOString() };
    }
    if (input.exemption !== undefined) {
      if (step !== 'resolve' || !EXEMPTABLE.has(t.type) || t.deviceId === null) throw new AppError('HW_BAD_REQUEST', 'an exemption is recorded when resolving a room-temperature ticket of one room (室温不达标, 温度骤降, 供热温度投诉 with its sensor)');
      patch.exempt = input.exemption;
    }
    if (step === 'resolve') {
      patch.cause = cause;
      patch.resolvedAt = now;
      if (!closesWithoutCallback(t)) patch.callbackDueAt = deadlines.callbackDueAt(now);
    }
    if (step === 'callback') {
      if (!input.satisfaction || !input.calledNumber) throw new AppError('HW_BAD_REQUEST', 'a callback records the satisfaction and the number called');
      Object.assign(patch, { callbackAt: now, satisfaction: input.satisfaction, calledNumber: input.calledNumber });
      data = { satisfaction: input.satisfaction, calledNumber: input.calledNumber };
    }
    if (step === 'close') patch.closedAt = now;
    if (incident !== null) data = { incident };
    return { patch, entry: { at: now, actor, action: step, note, data } };
  }

  const timeline: TicketTimeline = {
    async record(id, actor, action, data) {
      if (!(await store.get(id))) return;
      changed(await store.update(id, {}, { at: clock(), actor, action, note: null, data }));
    },
  };

  return {
    view,
    timeline,

    /** Every change (opened, a step, a note), as the API shows it: the live hub pushes it. */
    onChange(listener: TicketListener): void {
      changeListeners.push(listener);
    },
    /** A ticket was opened (by a rule or the hotline): alerting plans its pages. */
    onOpened(listener: OpenListener): void {
      openListeners.push(listener);
    },

    /**
     * The rules' events, applied one batch after another in the order they came (each waits for
     * the one before: an open and its recovery never pass each other). Resolves once these are in.
     */
    applyRuleEvents(events: readonly RuleEvent[]): Promise<void> {
      const applied = ruleEvents.then(async () => {
        for (const e of events) await applyRuleEvent(e);
      });
      ruleEvents = applied.catch(() => undefined);
      return applied;
    },

    /** A customer's report by any intake channel (the 5316206 hotline when not said). */
    async hotline(input: { type: (typeof HOTLINE_TYPES)[number]; description: string; address?: string; contact?: string; deviceId?: string; channel?: IntakeChannel; accusedTeam?: string }, actor: string): Promise<Ticket> {
      const d = input.deviceId ? device(input.deviceId) : undefined;
      if (input.deviceId && !d) throw new AppError('HW_NOT_FOUND', `no device ${input.deviceId}`);
      const substationId = d ? (d.kind === 'substation' ? d.id : d.substationId) : null;
      const record = await open(
        {
          type: input.type,
          source: 'hotline',
          channel: input.channel ?? 'phone',
          accusedTeam: input.type === 'staff_complaint' ? (input.accusedTeam ?? null) : null,
          rule: null,
          deviceId: d?.id ?? null,
          substationId,
          parentId: null,
          description: input.description,
          facts: null,
          address: input.address ?? (d?.address || null),
          contact: input.contact ?? null,
          exempt: null,
          eventAt: null,
        },
        actor,
        { via: 'hotline', intake: input.channel ?? 'phone' },
      );
      return view(record!);
    },

    /**
     * `via`: taken through the signed link in a page (recorded in the timeline). The callback
     * carries what the customer said and the number called (the route requires both).
     */
    async step(id: string, step: Step, actor: string, input: StepInput): Promise<Ticket> {
      const t = await store.get(id);
      if (!t) throw new AppError('HW_NOT_FOUND', `no ticket ${id}`);
      const taken = await takeStep(t, step, actor, input, null);
      // An incident (a substation's, over its rooms; a burst, over the other substations it hit):
      // its open tickets take the same step, each in its own timeline with the incident's id (one
      // may have gone ahead on its own: left as it is).
      if (INCIDENT_STEPS.includes(step)) {
        for (const child of await store.active()) {
          if (child.parentId === id && 'to' in applyStep(child, step)) await takeStep(child, step, actor, input, id);
        }
      }
      return taken;
    },

    /**
     * 派单: gives the ticket to a person of the roster (a substation incident with its open room
     * tickets); each change of hands in the timeline. Returns the ticket and whether the person
     * changed (only then is anyone paged).
     */
    async assign(id: string, person: { id: string; name: string }, actor: string, note?: string): Promise<{ ticket: Ticket; changed: boolean }> {
      const t = await store.get(id);
      if (!t) throw new AppError('HW_NOT_FOUND', `no ticket ${id}`);
      if (t.status === 'closed') throw new AppError('HW_TICKET_STEP', 'a closed ticket is not given to anyone');
      const give = async (x: TicketRecord, incident?: string) =>
        changed(
          await store.update(x.id, { assigneeId: person.id, assigneeName: person.name }, { at: clock(), actor, action: 'assign', note: incident ? null : (note ?? null), data: { assignee: person.id, name: person.name, ...(incident ? { incident } : {}) } }),
        );
      const changedHands = t.assigneeId !== person.id;
      const record = await give(t);
      // An incident's open tickets under it go with it.
      for (const child of await store.active()) if (child.parentId === id && child.assigneeId !== person.id) await give(child, id);
      return { ticket: view(record), changed: changedHands };
    },

    /**
     * Seed 六 / DESIGN.md §10: a visit's thermometer and a room sensor more than the limit apart
     * open a maintenance ticket (测温点校准) for the sensor, one at a time; a later visit that
     * agrees marks it recovered (a person closes it once the sensor is checked).
     */
    async calibration(deviceId: string, found: { fact: Extract<RuleFact, { fact: 'calibrate' }>; at: number } | null, actor: string): Promise<void> {
      const existing = await store.findOpen(deviceId, 'calibration');
      if (found === null) {
        if (existing && existing.recoveredAt === null) changed(await store.update(existing.id, { recoveredAt: clock() }, { at: clock(), actor, action: 'recovered', note: null, data: null }));
        return;
      }
      const { fact, at } = found;
      const data = { facts: [fact], eventAt: new Date(at).toISOString() };
      if (existing) {
        changed(await store.update(existing.id, { recoveredAt: null, facts: [fact] }, { at: clock(), actor, action: 'condition_returned', note: null, data }));
        return;
      }
      const d = device(deviceId);
      await open(
        { type: 'sensor_calibration', source: 'rule', rule: 'calibration', deviceId, substationId: d?.kind === 'room' ? d.substationId : null, parentId: null, description: '', facts: [fact], address: d?.address || null, contact: null, exempt: null, eventAt: at },
        actor,
        data,
      );
    },

    /**
     * 服务承诺 二.1(2), judged again once the day is over: a room ticket whose episode began on
     * `fact.date` is exempt exactly when that day's mean outdoor temperature was below the design
     * temperature (at opening only the 24 hours before were known). A cause found at the
     * resolution (the building, the customer's installation) is not touched.
     */
    async judgeOutdoorExemption(id: string, fact: Extract<RuleFact, { fact: 'outdoor_day_mean' }>): Promise<boolean> {
      const t = await store.get(id);
      if (!t || (t.exempt !== null && t.exempt !== 'outdoor_below_design')) return false;
      const exempt = fact.outdoorC < fact.designC ? 'outdoor_below_design' : null;
      if (exempt === t.exempt) return false;
      const now = clock();
      changed(await store.update(id, { exempt }, { at: now, actor: RULE_ACTOR, action: exempt ? 'exempted' : 'exemption_cleared', note: null, data: { facts: [fact], eventAt: new Date(localMidnight(fact.date)).toISOString() } }));
      return true;
    },

    async find(id: string): Promise<Ticket | undefined> {
      const t = await store.get(id);
      return t && view(t);
    },

    async get(id: string): Promise<{ ticket: Ticket; timeline: TimelineEntry[] }> {
      const t = await store.get(id);
      if (!t) throw new AppError('HW_NOT_FOUND', `no ticket ${id}`);
      return { ticket: view(t), timeline: await store.timeline(id) };
    },

    /** When each lifecycle step was first taken, for the tickets opened on Beijing dates from–to. */
    async stepTimes(from: LocalDate, to: LocalDate): Promise<Map<string, Partial<Record<Step, number>>>> {
      const out = new Map<string, Partial<Record<Step, number>>>();
      for (const s of await store.stepTimes(localMidnight(from), localMidnight(addDays(to, 1)))) {
        const steps = out.get(s.ticketId) ?? {};
        steps[s.action as Step] = s.at;
        out.set(s.ticketId, steps);
      }
      return out;
    },

    list: async (q: TicketQuery): Promise<Ticket[]> => {
      const rows = await store.list(q);
      const now = clock();
      return rows.map((t) => view(t, now));
    },

    active: async (): Promise<Ticket[]> => {
      const rows = await store.active();
      const now = clock();
      return rows.map((t) => view(t, now));
    },

    /**
     * The episodes the rules opened and have not seen recover: a fresh rules engine (at start,
     * after a reload) learns them, so a recovery after a restart still reaches its ticket.
     */
    async openEpisodes(): Promise<OpenEpisode[]> {
      return (await store.active()).flatMap((t) =>
        t.source === 'rule' && t.deviceId && t.recoveredAt === null && t.rule !== null && EPISODE_RULES.has(t.rule)
          ? [{ deviceId: t.deviceId, rule: t.rule as OpenEpisode['rule'], at: t.eventAt ?? t.openedAt }]
          : [],
      );
    },
  };
}

export type TicketService = ReturnType<typeof createTicketService>;
