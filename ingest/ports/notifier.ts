/**
 * One way of reaching an engineer (issue 6): a channel provider sends one message and says
 * whether a failure is worth retrying. Providers live one per file in adapters/notifiers/ and
 * know nothing of tickets, rosters or escalation; the alerting service decides who gets what.
 */
import { AppError } from '../errors.ts';

export const CHANNEL_TYPES = ['webhook', 'wecom', 'dingtalk', 'feishu', 'email', 'sms'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** What is sent: already rendered (zh-CN first) by the alerting service's templates. */
export interface OutboundMessage {
  /** Stable id of this delivery, for receivers that de-duplicate (webhook header, logs). */
  id: string;
  /** One line, e.g. "【主管道事故】四号换热站 30 分钟内到场". */
  title: string;
  /** Several lines of plain text: type, place, deadline, what to do. */
  text: string;
  /** The ticket in the dashboard. */
  link: string;
  /** Signed, expiring link that acknowledges the ticket from the message itself. */
  ackLink: string | null;
  ticketId: string;
  /**
   * The people this message is for; a group robot @-mentions them by mobile number. Each has
   * their own acknowledge link, signed in their name: per-person channels (SMS, e-mail) send
   * each only theirs, group channels list one per person.
   */
  recipients: { name: string; mobile?: string; email?: string; ackLink?: string }[];
}

export class DeliveryError extends AppError {
  constructor(
    message: string,
    /** false: retrying cannot help (bad configuration, a refused secret); true: try again later. */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super('HW_DELIVERY_FAILED', message, options);
  }
}

/** A notice to one household (a stop, its change, heat back): the customer channels' message. */
export interface CustomerNotice {
  /** Stable id of this notice, for receivers that de-duplicate. */
  id: string;
  outageId: number;
  kind: 'stop' | 'change' | 'restore' | 'cancel';
  householdId: string;
  phone: string;
  /** The whole notice, already worded (zh-CN). */
  text: string;
}

export interface Notifier {
  readonly type: ChannelType;
  /** Resolves once the receiver accepted the message; rejects with a DeliveryError otherwise. */
  send(message: OutboundMessage): Promise<void>;
  /** Channels that reach customers (SMS, a WeChat service account's webhook) also take notices. */
  notify?(notice: CustomerNotice): Promise<void>;
  close?(): Promise<void>;
}
