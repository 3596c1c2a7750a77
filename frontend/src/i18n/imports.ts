// The import page's texts, merged into the app's messages when the page is first loaded:
// they stay out of the bundle every enterprise user downloads.
import { i18n } from '.'
import imports from './messages/imports'

let installed = false

export function installImportMessages(): void {
  if (installed) return
  installed = true
  const merge = i18n.global.mergeLocaleMessage as (locale: string, messages: Record<string, unknown>) => void
  merge('zh-CN', { imports: imports.zh })
  merge('en', { imports: imports.en })
}
