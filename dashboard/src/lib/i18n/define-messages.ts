/**
 * A feature's messages: zh-CN first, and English for every key — the type refuses a missing
 * one. Merged into the one dictionary by lib/i18n.
 */
export function defineMessages<Z extends Record<string, string>>(zh: Z, en: Record<keyof Z, string>): { zh: Z; en: Record<keyof Z, string> } {
  return { zh, en };
}
