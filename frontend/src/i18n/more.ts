// The texts of every page but the first ones (./index.ts: CORE_TEXTS): the staff's desks,
// administration, meetings, the calendar, the knowledge base, the case view's staff parts.
// Merged into the app's messages when such a page is first loaded (the router loads this
// module beside it), so an enterprise's first page does not download them.
import { i18n } from '.'
import { installElementLocale } from './elementLocale'
import admin from './messages/admin'
import calendar from './messages/calendar'
import history from './messages/history'
import knowledge from './messages/knowledge'
import meetings from './messages/meetings'
import operator from './messages/operator'
import staff from './messages/staff'
import units from './messages/units'
import webhooks from './messages/webhooks'

export const MORE_TEXTS = { admin, calendar, meetings, knowledge, history, webhooks, units, operator, staff }

let installed = false

export function installMoreMessages(): void {
  if (installed) return
  installed = true
  installElementLocale()
  const merge = i18n.global.mergeLocaleMessage as (locale: string, messages: Record<string, unknown>) => void
  const entries = Object.entries(MORE_TEXTS)
  merge('zh-CN', Object.fromEntries(entries.map(([name, m]) => [name, m.zh])))
  merge('en', Object.fromEntries(entries.map(([name, m]) => [name, m.en])))
}
