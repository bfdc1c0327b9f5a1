/**
 * The alerting API's shapes as the dashboard reads them (issue 6; docs/api.md "Alerting"). Written
 * out here because the dashboard bundles no ingest internals, only the published contracts.
 */
import type { AlertKind } from '../../../../ingest/contracts/tickets.ts';

export interface Person {
  id: string;
  name: string;
  mobile?: string;
  email?: string;
  /** Their HeatWatch login: what is given to them shows under 我的工单. */
  username?: string;
}

export interface Team {
  id: string;
  name: string;
  /** '*': every substation (e.g. the company's duty managers). */
  substations: '*' | string[];
  /** Channel ids its pages go to. */
  channels: string[];
}

export type DutyRole = 'engineer' | 'manager';

export interface Shift {
  team: string;
  person: string;
  role: DutyRole;
  /** 1 = Monday … 7 = Sunday. */
  weekdays: number[];
  /** 'HH:MM' in Asia/Shanghai; an end at or before the start runs overnight. */
  start: string;
  end: string;
}

export interface Roster {
  people: Person[];
  teams: Team[];
  shifts: Shift[];
}

export interface DutyTeam {
  team: Team;
  engineers: Person[];
  managers: Person[];
  /** The team's channels by name, in the order of `team.channels`. */
  channelNames?: string[];
}

export interface DutyBoard {
  at: string;
  teams: DutyTeam[];
}

export interface OnDuty {
  substationId: string | null;
  at: string;
  engineers: Person[];
  managers: Person[];
  teams: Team[];
}

export const CHANNEL_TYPES = ['wecom', 'dingtalk', 'feishu', 'email', 'sms', 'webhook'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** A channel's settings; secrets come back as "••••". */
export type ChannelConfig = { type: ChannelType } & Record<string, unknown>;

export interface Channel {
  id: string;
  name: string;
  enabled: boolean;
  config: ChannelConfig;
  createdAt: string;
}

export interface ChannelList {
  channels: Channel[];
  /** Ids of channels that failed 3 or more times in a row. */
  failing: string[];
}

export interface TypePolicy {
  page: boolean;
  /** The page held this long (a cold room: 10 min, so a substation going cold pages once). */
  pageAfterMin?: number;
  escalateAfterMin: number | null;
}

export interface AlertPolicy {
  types: Record<string, TypePolicy>;
  remindAtFraction: number | null;
  atBreach: boolean;
  /** Callback reminders and late-callback messages to the duty manager. */
  callbacks: boolean;
}

export interface Delivery {
  id: string;
  kind: AlertKind;
  channelId: string;
  recipients: string[];
  title: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}
