/**
 * Messages of the map feature beyond the shared ones in lib/i18n: zh-CN first, English for
 * every key (the type refuses a missing one). Merged into the one dictionary by lib/i18n.
 */
const zh = {} as const;

export const mapMessages = { zh, en: {} satisfies Record<keyof typeof zh, string> };
