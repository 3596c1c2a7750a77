import { createI18n } from 'vue-i18n'

import admin from './messages/admin'
import attachments from './messages/attachments'
import calendar from './messages/calendar'
import caseview from './messages/caseview'
import common from './messages/common'
import enterprise from './messages/enterprise'
import knowledge from './messages/knowledge'
import history from './messages/history'
import meetings from './messages/meetings'
import operator from './messages/operator'
import shell from './messages/shell'
import staff from './messages/staff'
import units from './messages/units'
import webhooks from './messages/webhooks'

// One module per area, each with its Chinese and English texts; Chinese is the default and
// the fallback, English a switch that is remembered.
const modules = { common, enterprise, operator, staff, admin, calendar, meetings, attachments, knowledge, history, webhooks, units, shell, caseview }
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
})

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  localStorage.setItem(LOCALE_KEY, locale)
  document.documentElement.lang = locale
}
