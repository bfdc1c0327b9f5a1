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
};

export function timelineActionKey(action: string): MessageKey | null {
  return Object.hasOwn(ACTION_KEYS, action) ? (ACTION_KEYS[action] ?? null) : null;
}

/** The rules engine writes as "rules"; people as their username. */
export const RULES_ACTOR = 'rules';
