import { createI18n } from 'vue-i18n'

import { compileMessage } from './compile'
import attachments from './messages/attachments?lang=zh'
import caseview from './messages/caseview?lang=zh'
import common from './messages/common?lang=zh'
import enterprise from './messages/enterprise?lang=zh'
import shell from './messages/shell?lang=zh'

// One module per area, each with its Chinese and English texts; Chinese is the default and
// the fallback, English a switch that is remembered.
//
// Only the texts of the first pages (sign-in, the service home, 我的诉求, the filing form, the
// public progress lookup) are in the first bundle: CORE_TEXTS, held to it by
// firstPages.test.ts. The staff's areas come with every other page (./more.ts, loaded by
// the router beside the page), and the reports', policies', financing's and applications'
// texts with their own pages.
//
// In Chinese only (`?lang=zh`: vite.config.ts leaves the English half out): the core texts in
// English (./english.ts) are loaded when English is chosen, before the page switches to it.
const modules = { common, enterprise, shell, attachments, caseview }
export const CORE_TEXTS = Object.keys(modules)

export const LOCALE_KEY = 'xqt.locale'
export type Locale = 'zh-CN' | 'en'

export function initialLocale(): Locale {
  return localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': Object.fromEntries(Object.entries(modules).map(([name, m]) => [name, m.zh])), en: {} },
  // the build takes vue-i18n's runtime-only edition (vite.config.ts): our compiler, not theirs
  messageCompiler: compileMessage,
})

let english: Promise<void> | undefined

/** The texts a language needs before the page shows it: for English, the core texts in
 * English (once); Chinese is in the first bundle. Await it before setLocale. */
export function loadLocale(locale: Locale): Promise<void> {
  if (locale !== 'en') return Promise.resolve()
  english ??= import('./english').then(({ CORE_ENGLISH }) => {
    const merge = i18n.global.mergeLocaleMessage as (locale: string, messages: Record<string, unknown>) => void
    merge('en', CORE_ENGLISH)
  })
  english.catch(() => (english = undefined)) // a failed download is tried again next time
  return english
}

/** Show the app in `locale` (its texts loaded: loadLocale). */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  localStorage.setItem(LOCALE_KEY, locale)
  document.documentElement.lang = locale
}
