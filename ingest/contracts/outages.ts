/**
 * Heat stops (停热) and the customers' notices (DESIGN.md §10; 服务承诺 二.1(3), 二.4; 供热报告制度):
 * what dispatch registers and changes, what the API and the public page show. A planned stop is
 * announced at least 24 h ahead; an unplanned one says why and when heat is expected back.
 */
import { z } from 'zod';
import { DEVICE_ID_PATTERN } from './topics.ts';

export const OUTAGE_KINDS = ['planned', 'unplanned'] as const;
export type OutageKind = (typeof OUTAGE_KINDS)[number];

const instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

export const newOutageSchema = z
  .object({
    substationId: z.string().regex(DEVICE_ID_PATTERN),
    kind: z.enum(OUTAGE_KINDS).default('planned'),
    startsAt: instant,
    /** Planned: when heat returns (required). Unplanned: the expected restore time, when known. */
    endsAt: instant.optional(),
    reason: z.string().trim().min(1).max(500),
    /** The areas the substation feeds, as customers know them (幸福小区、春华小区 1–6 号楼); the public page shows them. */
    areas: z.string().trim().max(200).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.kind === 'planned' && o.endsAt === undefined) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'a planned stop says when heat returns' });
    if (o.endsAt !== undefined && o.endsAt <= o.startsAt) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after `startsAt`' });
  });
export type NewOutage = z.output<typeof newOutageSchema>;

/** A new expected restore time (时间变更); a planned stop not yet begun may also move its start. */
export const changeOutageSchema = z
  .object({
    endsAt: instant,
    startsAt: instant.optional(),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .strict();
export type OutageChange = z.output<typeof changeOutageSchema>;

/** Heat is back (恢复供热): now, or when it came back. */
export const endOutageSchema = z.object({ at: instant.optional() }).strict();

export type OutageStatus = 'scheduled' | 'active' | 'ended' | 'cancelled';

/** What a customer is told, per change of a stop. */
export const NOTICE_KINDS = ['stop', 'change', 'restore', 'cancel'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface NoticeSummary {
  /** Households of the substation, each told once per change through each customer channel. */
  households: number;
  /** Customer channels (config `customerNotices: true`) the notices go through; 0: nobody can be told. */
  channels: number;
  sent: number;
  failed: number;
  pending: number;
  /** When the first notice of this stop reached a household; null: none yet. */
  firstSentAt: string | null;
}

export interface OutageView {
  id: number;
  substationId: string;
  kind: OutageKind;
  status: OutageStatus;
  startsAt: string;
  /** Planned: when heat returns; unplanned: the expected restore time, or null when unknown. */
  endsAt: string | null;
  endedAt: string | null;
  cancelledAt: string | null;
  reason: string;
  areas: string | null;
  registeredAt: string;
  registeredBy: string;
  updatedAt: string;
  /** 0 when registered, one more with each change, end or cancel: each is one round of notices. */
  revision: number;
  /**
   * 服务承诺 二.1(3): a planned stop whose customers heard of it less than 24 h before it began
   * (or have not heard yet, with less than 24 h to go). Judged on when they were told.
   */
  lateNotice: boolean;
  notices: NoticeSummary;
}

/** One household's notice for one change, as dispatch follows it (GET /api/outages/:id/notices). */
export interface NoticeDeliveryView {
  id: string;
  revision: number;
  kind: NoticeKind;
  householdId: string;
  /** Masked for a viewer. */
  phone: string;
  address: string;
  channel: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
}

/** What the public page (/notices) and its API show: places and times, never a person. */
export interface PublicStop {
  substationId: string;
  substation: string;
  areas: string;
  kind: OutageKind;
  status: 'scheduled' | 'active';
  reason: string;
  startsAt: string;
  expectedRestoreAt: string | null;
  updatedAt: string;
}

/** The notices' wording, an admin's to edit (zh-CN). Placeholders: {{substation}} {{areas}} {{reason}} {{start}} {{restore}}. */
export const NOTICE_TEMPLATE_KEYS = ['planned', 'unplanned', 'change', 'restore', 'cancel'] as const;
export type NoticeTemplateKey = (typeof NOTICE_TEMPLATE_KEYS)[number];
const template = z.string().trim().min(1).max(500);
export const noticeTemplatesSchema = z.object({ planned: template, unplanned: template, change: template, restore: template, cancel: template }).strict();
export type NoticeTemplates = z.output<typeof noticeTemplatesSchema>;

export const DEFAULT_NOTICE_TEMPLATES: NoticeTemplates = {
  planned: '【停热通知】尊敬的用户：因{{reason}}，{{substation}}供热范围（{{areas}}）将于{{start}}停止供热，预计{{restore}}恢复。给您带来不便，敬请谅解。咨询电话 5316206。',
  unplanned: '【停热通知】尊敬的用户：因{{reason}}，{{substation}}供热范围（{{areas}}）自{{start}}起暂停供热，正在抢修，预计恢复时间：{{restore}}。咨询电话 5316206。',
  change: '【时间变更】尊敬的用户：{{substation}}供热范围（{{areas}}）停热（{{reason}}）预计恢复时间变更为{{restore}}。咨询电话 5316206。',
  restore: '【恢复供热通知】尊敬的用户：{{substation}}供热范围（{{areas}}）已于{{restore}}恢复供热，室温将逐步回升。如仍不热，请拨打 5316206。',
  cancel: '【取消停热】尊敬的用户：原定{{start}}起的{{substation}}供热范围（{{areas}}）停热已取消，供热照常。咨询电话 5316206。',
};

/** A template filled in; an unknown placeholder stays as written, so a typo shows in the preview. */
export function fillNotice(template: string, values: Record<'substation' | 'areas' | 'reason' | 'start' | 'restore', string>): string {
  return template.replace(/\{\{(substation|areas|reason|start|restore)\}\}/g, (_, key: keyof typeof values) => values[key]);
}
