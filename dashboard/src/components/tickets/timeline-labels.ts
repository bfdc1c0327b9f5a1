/** The timeline's action names and actors as the dispatcher reads them; an unknown action shows as sent. */
import type { MessageKey } from '../../lib/i18n/i18n.svelte.ts';

const ACTION_KEYS: Partial<Record<string, MessageKey>> = {
  opened: 'timeline.opened',
  acknowledge: 'timeline.acknowledge',
  on_site: 'timeline.on_site',
  resolve: 'timeline.resolve',
  callback: 'timeline.callback',
  close: 'timeline.close',
  recovered: 'timeline.recovered',
  condition_returned: 'timeline.condition_returned',
  linked: 'timeline.linked',
  assign: 'timeline.assign',
  // Written by the alerting service (issue 6) as the actor "alerting".
  notified: 'timeline.notified',
  notify_failed: 'timeline.notify_failed',
  notify_skipped: 'timeline.notify_skipped',
};

export function timelineActionKey(action: string): MessageKey | null {
  return Object.hasOwn(ACTION_KEYS, action) ? (ACTION_KEYS[action] ?? null) : null;
}

/** The rules engine writes as "rules", the alerting service as "alerting"; people as their username. */
const ACTOR_KEYS: Partial<Record<string, MessageKey>> = {
  rules: 'ticket.detail.actorRules',
  alerting: 'ticket.detail.actorAlerting',
};

export function timelineActorKey(actor: string): MessageKey | null {
  return Object.hasOwn(ACTOR_KEYS, actor) ? (ACTOR_KEYS[actor] ?? null) : null;
}
