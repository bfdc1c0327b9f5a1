/**
 * Ticket contract (DESIGN.md §2, §5): what the API returns, the `ticket` live event carries, and
 * the dashboard shows. Times are ISO 8601.
 */
import { z } from 'zod';
import { localDateSchema } from './reports.ts';
import type { RuleFact } from './rule-facts.ts';
import { DEVICE_ID_PATTERN } from './topics.ts';
import { DISPATCH_ROLES } from './users.ts';

/** Ticket types (DESIGN.md §2); their names in Chinese are in TICKET_TYPE_ZH. */
export const TICKET_TYPES = [
  'pipeline_accident',
  'substation_fault',
  'leak',
  'repair',
  'heating_quality',
  'room_temp_low',
  'temp_drop',
  'inquiry',
  'staff_complaint',
  'suggestion',
  'sensor_offline',
  'sensor_calibration',
] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

/** The rules that open tickets; `correlation` is the substation-level ticket over several rooms. */
export const RULE_IDS = ['room_low', 'sudden_drop', 'substation_collapse', 'offline', 'implausible', 'correlation', 'calibration', 'substation_fault', 'substation_leak'] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** `negotiating`: a very complex matter the responsible department settles with the customer (服务承诺 二.4(4)). */
export const TICKET_STATUSES = ['open', 'acknowledged', 'on_site', 'negotiating', 'resolved', 'callback_done', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** 中文 names for the dashboard and messages. */
export const TICKET_TYPE_ZH: Record<TicketType, string> = {
  pipeline_accident: '主管道事故',
  substation_fault: '换热站故障',
  leak: '供热设施漏水',
  repair: '报修',
  heating_quality: '供热温度投诉',
  room_temp_low: '室温不达标',
  temp_drop: '不明原因停暖/温度骤降',
  inquiry: '咨询',
  staff_complaint: '服务人员投诉/举报',
  suggestion: '意见建议',
  sensor_offline: '测温点离线',
  sensor_calibration: '测温点校准',
};

/**
 * Types a dispatcher opens from what a customer reported (客服中心工作范围 一.1–5), by any intake
 * channel; the rest come from rules and visits.
 */
export const HOTLINE_TYPES = ['pipeline_accident', 'leak', 'repair', 'heating_quality', 'temp_drop', 'inquiry', 'staff_complaint', 'suggestion'] as const satisfies readonly TicketType[];

/**
 * How the customer reached the company (seed 三 客户反映问题方式, 一.1): the 5316206 hotline, in
 * person at the service centre, to the staff on a visit (《走访记录》), by letter; and the city's
 * 12345 hotline and online forms, which forward to the company.
 */
export const INTAKE_CHANNELS = ['phone', 'walk_in', 'visit', 'letter', 'hotline_12345', 'online'] as const;
export type IntakeChannel = (typeof INTAKE_CHANNELS)[number];
export const INTAKE_CHANNEL_ZH: Record<IntakeChannel, string> = {
  phone: '热线电话',
  walk_in: '来访',
  visit: '走访时反映',
  letter: '来信',
  hotline_12345: '12345 市民热线',
  online: '网上',
};

/**
 * 一.5 受理对服务人员投诉、举报: about the company's own staff. Only dispatch (the service centre and
 * the duty managers) reads them; the engineers, among whom the accused may be, do not.
 */
export const isRestrictedType = (type: TicketType): boolean => type === 'staff_complaint';
/** Whether a role may see the ticket at all (list, detail, search, live events). */
export const mayReadTicket = (role: string, t: { type: TicketType }): boolean => !isRestrictedType(t.type) || (DISPATCH_ROLES as readonly string[]).includes(role);

/** What must happen by `dueAt`: the commitment each type is measured against. */
export type Milestone = 'on_site' | 'cause_found' | 'first_reply' | 'full_answer';
export type DeadlineState = 'on_time' | 'at_risk' | 'breached' | 'met' | 'none';

/** What the customer said when called back (回访, 服务承诺 二.1(7); 四.2 达到用户满意). */
export const SATISFACTION = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTION)[number];
export const SATISFACTION_ZH: Record<Satisfaction, string> = { satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' };

export interface Ticket {
  id: string;
  type: TicketType;
  status: TicketStatus;
  source: 'rule' | 'hotline';
  /** How the customer reported it (a customer's ticket); null for what the rules or a visit opened. */
  channel: IntakeChannel | null;
  rule: RuleId | null;
  deviceId: string | null;
  substationId: string | null;
  /** The substation-level ticket this one is linked under (correlation). */
  parentId: string | null;
  /** What the caller said (hotline); empty for a rule's ticket, whose `facts` say what happened. */
  description: string;
  /** What the rule saw when it opened the ticket; null for a hotline ticket. The dashboard and the pages put it into words. */
  facts: RuleFact[] | null;
  address: string | null;
  contact: string | null;
  openedAt: string;
  /** When the condition was met, in the readings' event time (rule tickets; null from the hotline). */
  eventAt: string | null;
  milestone: Milestone | null;
  dueAt: string | null;
  milestoneAt: string | null;
  deadlineState: DeadlineState;
  /** Not counted against the commitments, and why (EXEMPTIONS). */
  exempt: Exemption | null;
  /** The rule saw the condition clear; a person still closes the ticket. */
  recoveredAt: string | null;
  cause: string | null;
  /** 服务承诺 二.1(4): when the cause was found (the 8 h milestone), before any repair is done. */
  diagnosedAt: string | null;
  /** What the customer was told of the cause (给予解释). */
  explanation: string | null;
  /** A very complex matter: the department settling it with the customer (二.4(4)). */
  negotiatingWith: string | null;
  /** A staff complaint: the roster team it is about; that team is never paged for it. */
  accusedTeam: string | null;
  /** When it was resolved; the callback's 3 working days run from here. */
  resolvedAt: string | null;
  /** The callback (回访) is due by then (customer tickets, once resolved); null otherwise. */
  callbackDueAt: string | null;
  /** When the customer was called back. */
  callbackAt: string | null;
  /** The callback against its deadline, like every other milestone; 'none' before resolution. */
  callbackState: DeadlineState;
  /** What the customer said, and the number that was called. */
  satisfaction: Satisfaction | null;
  calledNumber: string | null;
  /** Whom dispatch gave it to (派单): a person of the duty roster. */
  assignee: { id: string; name: string } | null;
  updatedAt: string;
}

/** Who is told what, and when (DESIGN.md §4; the alerting policy). */
export const ALERT_KINDS = ['page', 'escalation', 'reminder', 'breach', 'callback_reminder', 'callback_breach', 'assignment'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** What a system entry of the timeline records, as facts; a person's words are in `note`. */
export type TimelineData =
  /** A rule opened the ticket, saw the condition clear, or saw it return. */
  | { facts: RuleFact[]; eventAt: string }
  /** A substation incident opened over these rooms. */
  | { rooms: string[] }
  /** Linked under a substation incident. */
  | { under: string }
  /** A page went out (or failed for good: `error`). */
  | { alert: AlertKind; channel: string; people: string[]; error?: string }
  /** A page could not go out: nobody on duty for the substation, or no channel. */
  | { alert: AlertKind; skipped: 'nobody_on_duty' | 'no_channel'; substationId: string | null }
  /** 服务承诺 二.4(3): a complex inquiry's first reply (in time or late); the full answer is due then. */
  | { firstReply: 'in_time' | 'late' | null; fullAnswerDueAt: string }
  /** Opened from a customer's report (`intake`: how it came in); or a step taken through the signed link in a page. */
  | { via: 'hotline' | 'ack_link'; intake?: IntakeChannel }
  /** The callback step: what the customer said and the number called. */
  | { satisfaction: Satisfaction; calledNumber: string }
  /** A step taken on the substation incident this room ticket is linked under, applied to it too. */
  | { incident: string }
  /** Given to a person (派单); `incident` when it came with its substation incident. */
  | { assignee: string; name: string; incident?: string }
  /** The step was a visit with on-site measurement (走访测温): its form is the evidence. */
  | { visit: string }
  /** The cause found (二.1(4)), and what the customer was told of it. */
  | { cause: string; explanation: string }
  /** Handed to the department that settles it with the customer (二.4(4)). */
  | { department: string };

export interface TimelineEntry {
  at: string;
  actor: string;
  action: string;
  /** What a person wrote. */
  note: string | null;
  data: TimelineData | null;
}

export const hotlineTicketSchema = z
  .object({
    type: z.enum(HOTLINE_TYPES, { error: `type must be one of ${HOTLINE_TYPES.join(', ')}` }),
    description: z.string().trim().min(1).max(2000),
    address: z.string().trim().max(500).optional(),
    contact: z.string().trim().max(200).optional(),
    deviceId: z.string().regex(DEVICE_ID_PATTERN).optional(),
    /** How it came in; the 5316206 hotline when not said. */
    channel: z.enum(INTAKE_CHANNELS, { error: `channel must be one of ${INTAKE_CHANNELS.join(', ')}` }).default('phone'),
    /** A staff complaint: the roster team it is about (never paged for it). */
    accusedTeam: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  })
  .strict()
  .refine((t) => t.accusedTeam === undefined || t.type === 'staff_complaint', { path: ['accusedTeam'], message: 'only a staff complaint (staff_complaint) names an accused team' });
export type HotlineInput = z.output<typeof hotlineTicketSchema>;

export const stepSchema = z.object({ note: z.string().trim().max(2000).optional() }).strict();
/** An inquiry's first reply may say the question is complex: the full answer is then due in 5 days. */
export const acknowledgeSchema = stepSchema.extend({ complex: z.boolean().optional() }).strict();
/** A phone number as dialled: digits, optionally a leading + and - or spaces between groups. */
export const PHONE_PATTERN = /^\+?\d[\d -]{4,22}\d$/;
/** The callback records what the customer said and the number called (both required). */
export const callbackSchema = z
  .object({
    satisfaction: z.enum(SATISFACTION, { error: `satisfaction must be one of ${SATISFACTION.join(', ')}` }),
    calledNumber: z.string().trim().regex(PHONE_PATTERN, 'the number called: digits, e.g. 13800000000 or 0531-5316206'),
    note: z.string().trim().max(2000).optional(),
  })
  .strict();
/** 派单: to a person of the duty roster. */
export const assignSchema = z.object({ personId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), note: z.string().trim().max(2000).optional() }).strict();
/**
 * Why a ticket, and its room's days, do not count against the 18 °C promise (服务承诺 二.1(2):
 * it holds while outdoors is not below the design minimum, the building envelope meets the
 * design standard of its time and the heating inside runs normally): the day's mean outdoor
 * temperature below the design temperature (the rules), or — found by the engineer and recorded
 * at the resolution — the building envelope or the customer's own installation.
 */
export const EXEMPTIONS = ['outdoor_below_design', 'building_envelope', 'customer_installation'] as const;
export type Exemption = (typeof EXEMPTIONS)[number];
/** What an engineer may record at the resolution of a room's temperature ticket. */
export const FOUND_EXEMPTIONS = ['building_envelope', 'customer_installation'] as const satisfies readonly Exemption[];
export const EXEMPTION_ZH: Record<Exemption, string> = {
  outdoor_below_design: '室外日平均温度低于设计温度',
  building_envelope: '建筑围护结构不符合设计规范',
  customer_installation: '用户自有采暖设施故障',
};

/**
 * The cause is required, unless it was already found (diagnose): then it may be left out. A room
 * temperature ticket may record that the building or the customer's installation is the cause.
 */
export const resolveSchema = z
  .object({
    cause: z.string().trim().min(1, 'the cause is required').max(2000).optional(),
    note: z.string().trim().max(2000).optional(),
    exemption: z.enum(FOUND_EXEMPTIONS, { error: `exemption must be one of ${FOUND_EXEMPTIONS.join(', ')}` }).optional(),
  })
  .strict();
/** 服务承诺 二.1(4): the cause found within 8 h, and the explanation given to the customer. */
export const diagnoseSchema = z
  .object({
    cause: z.string().trim().min(1, 'the cause is required').max(2000),
    explanation: z.string().trim().min(1, 'what the customer was told is required').max(2000),
    note: z.string().trim().max(2000).optional(),
  })
  .strict();
/** 服务承诺 二.4(4): the responsible department settles it with the customer. */
export const negotiateSchema = z
  .object({ department: z.string().trim().min(1, 'the responsible department is required').max(100), note: z.string().trim().max(2000).optional() })
  .strict();

/** Tickets in one answer without a `from`–`to` range, and with one (a month's history, an export). */
export const MAX_TICKETS = 5000;
export const MAX_TICKETS_IN_RANGE = 100_000;

export const ticketQuerySchema = z
  .object({
    status: z.enum([...TICKET_STATUSES, 'active']).optional(),
    type: z.enum(TICKET_TYPES).optional(),
    channel: z.enum(INTAKE_CHANNELS).optional(),
    deviceId: z.string().max(64).optional(),
    substationId: z.string().max(64).optional(),
    /** A roster person's id, or `me`: the people of the roster linked to the signed-in account. */
    assignee: z.string().max(64).optional(),
    /** Opened on these Beijing dates, both included. */
    from: localDateSchema.optional(),
    to: localDateSchema.optional(),
    /** json, or every field and the steps' times as csv or an xlsx workbook. */
    format: z.enum(['json', 'csv', 'xlsx']).default('json'),
    limit: z.coerce.number().int().min(1).max(MAX_TICKETS_IN_RANGE).optional(),
  })
  .strict()
  .refine((q) => (q.from === undefined) === (q.to === undefined), { path: ['to'], message: '`from` and `to` go together' })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { path: ['to'], message: 'must not be before `from`' })
  .refine((q) => q.from !== undefined || (q.limit ?? 0) <= MAX_TICKETS, { path: ['limit'], message: `at most ${MAX_TICKETS} without a \`from\`–\`to\` range` })
  .transform((q) => ({ ...q, limit: q.limit ?? (q.from === undefined ? 500 : MAX_TICKETS_IN_RANGE) }));
export type TicketQuery = z.output<typeof ticketQuerySchema>;
