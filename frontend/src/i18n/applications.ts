// The project applications' texts (the window on a policy, applying, progress, review, the
// window editor), merged into the app's messages when one of those pages or panels is first
// loaded: they stay out of the first bundle.
import { i18n } from '.'
import applications from './messages/applications'

let installed = false

export function installApplicationMessages(): void {
  if (installed) return
  installed = true
  const merge = i18n.global.mergeLocaleMessage as (locale: string, messages: Record<string, unknown>) => void
  merge('zh-CN', { applications: applications.zh })
  merge('en', { applications: applications.en })
}
