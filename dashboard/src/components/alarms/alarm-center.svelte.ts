/**
 * This browser's side of the alarms: the sound on or off, the alarms dismissed here, the desktop
 * notification asked for once and shown once per alarm. Kept in localStorage: a dispatcher who
 * turned the sound off finds it off after a reload, and a dismissed alarm does not come back.
 */
import type { I18n } from '../../lib/i18n/i18n.svelte.ts';
import type { Alarm } from './alarm-rules.ts';

const SOUND_KEY = 'heatwatch.alarmSound';
const DISMISSED_KEY = 'heatwatch.alarmsDismissed';
const ASKED_KEY = 'heatwatch.notificationAsked';
/** Enough for a winter's alarms; the oldest are forgotten first. */
const MAX_DISMISSED = 500;

const read = (key: string): string | null => {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
};
const write = (key: string, value: string): void => {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode or full: the setting lasts for this page only.
  }
};

export class AlarmCenter {
  soundOn = $state(read(SOUND_KEY) !== 'off');
  dismissed = $state.raw<ReadonlySet<string>>(new Set(JSON.parse(read(DISMISSED_KEY) ?? '[]') as string[]));
  readonly #announced = new Set<string>();

  toggleSound(): void {
    this.soundOn = !this.soundOn;
    write(SOUND_KEY, this.soundOn ? 'on' : 'off');
  }

  dismiss(key: string): void {
    const next = [...this.dismissed, key].slice(-MAX_DISMISSED);
    this.dismissed = new Set(next);
    write(DISMISSED_KEY, JSON.stringify(next));
  }

  /** Asks for desktop notifications once per browser (the browser remembers the answer). */
  askOnce(): void {
    if (typeof Notification === 'undefined' || Notification.permission !== 'default' || read(ASKED_KEY)) return;
    write(ASKED_KEY, 'yes');
    void Notification.requestPermission().catch(() => undefined);
  }

  /** A desktop notification for each alarm not shown before, when the browser allows them. */
  announce(alarms: readonly Alarm[], i18n: I18n, text: (a: Alarm) => string): void {
    for (const a of alarms) {
      if (this.#announced.has(a.key)) continue;
      this.#announced.add(a.key);
      if (typeof Notification === 'undefined' || Notification.permission !== 'granted') continue;
      try {
        new Notification(i18n.t(a.reason === 'opened' ? 'alarm.title.opened' : 'alarm.title.breached'), { body: text(a), tag: a.key, requireInteraction: true });
      } catch {
        // Some browsers allow notifications only from a service worker: the banner and the sound remain.
      }
    }
  }
}
