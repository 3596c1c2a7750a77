// The reporting pages' texts (reports, dashboard, notices), merged into the app's messages
// when one of those pages is first loaded: they stay out of the bundle every enterprise user
// downloads. The router loads this module beside each reporting page.
import { i18n } from '.'
import notices from './messages/notices'
import reports from './messages/reports'

let installed = false

export function installReportingMessages(): void {
  if (installed) return
  installed = true
  const merge = i18n.global.mergeLocaleMessage as (locale: string, messages: Record<string, unknown>) => void
  merge('zh-CN', { reports: reports.zh, notices: notices.zh })
  merge('en', { reports: reports.en, notices: notices.en })
}
