import { createI18n } from 'vue-i18n'

import { compileMessage } from './compile'
import attachments from './messages/attachments'
import caseview from './messages/caseview'
import common from './messages/common'
import enterprise from './messages/enterprise'
import shell from './messages/shell'

// One module per area, each with its Chinese and English texts; Chinese is the default and
// the fallback, English a switch that is remembered.
//
// Only the texts of the first pages (sign-in, the service home, 我的诉求, the filing form, the
// public progress lookup) are in the first bundle: CORE_TEXTS, held to it by
// firstPages.test.ts. The staff's areas come with every other page (./more.ts, loaded by
// the router beside the page), and the reports', policies', financing's and applications'
// texts with their own pages.
const modules = { common, enterprise, shell, attachments, caseview }
export const CORE_TEXTS = Object.keys(modules)
type Lang = 'zh' | 'en'

function pick(lang: Lang) {
  return Object.fromEntries(Object.entries(modules).map(([name, m]) => [name, m[lang]]))
}

export const LOCALE_KEY = 'xqt.locale'
export type Locale = 'zh-CN' | 'en'

export function initialLocale(): Locale {
  return localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': pick('zh'), en: pick('en') },
  // the build takes vue-i18n's runtime-only edition (vite.config.ts): our compiler, not theirs
  messageCompiler: compileMessage,
})

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  localStorage.setItem(LOCALE_KEY, locale)
  document.documentElement.lang = locale
}
