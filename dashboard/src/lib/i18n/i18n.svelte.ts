/**
 * The dashboard's language: zh-CN first, English on a switch, remembered in this browser. Every
 * string on screen goes through `t`; times are shown in Asia/Shanghai whatever the browser's zone.
 */
import { en } from './en.ts';
import { zhCN, type MessageKey } from './zh-CN.ts';

export type Locale = 'zh-CN' | 'en';
export type { MessageKey };

const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'heatwatch.locale';

export class I18n {
  locale = $state<Locale>('zh-CN');

  constructor(storage: Pick<Storage, 'getItem' | 'setItem'> | null = globalThis.localStorage ?? null) {
    this.#storage = storage;
    const saved = storage?.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') this.locale = saved;
  }

  #storage: Pick<Storage, 'getItem' | 'setItem'> | null;

  toggle(): void {
    this.locale = this.locale === 'zh-CN' ? 'en' : 'zh-CN';
    this.#storage?.setItem(STORAGE_KEY, this.locale);
    document.documentElement.lang = this.locale;
  }

  /** The message for `key` in the current language, `{name}` replaced from `vars`. */
  t = (key: MessageKey, vars?: Record<string, string | number>): string => {
    const text = DICTIONARIES[this.locale][key];
    return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
  };

  /** e.g. "12-10 08:05" (zh) / "Dec 10, 08:05" (en), in Asia/Shanghai. */
  dateTime = (iso: string | number | null): string => {
    if (iso === null) return '—';
    return new Date(iso).toLocaleString(this.locale, {
      timeZone: 'Asia/Shanghai',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
  };

  /** A duration as the dispatcher reads it: "2 小时 05 分" / "2 h 05 min", "45 秒" under a minute. */
  duration = (ms: number): string => {
    const s = Math.max(0, Math.round(ms / 1000));
    const zh = this.locale === 'zh-CN';
    if (s < 60) return zh ? `${s} 秒` : `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return zh ? `${m} 分 ${String(s % 60).padStart(2, '0')} 秒` : `${m} min ${String(s % 60).padStart(2, '0')} s`;
    const h = Math.floor(m / 60);
    if (h < 48) return zh ? `${h} 小时 ${String(m % 60).padStart(2, '0')} 分` : `${h} h ${String(m % 60).padStart(2, '0')} min`;
    const d = Math.floor(h / 24);
    return zh ? `${d} 天 ${h % 24} 小时` : `${d} d ${h % 24} h`;
  };
}
