// The policy pages' texts (catalogue, a policy, policies for an enterprise, management),
// merged into the app's messages when one of those pages or the staff's policy panel is
// first loaded: they stay out of the first bundle. The router loads this module beside each
// policy page.
import { i18n } from '.'
import policies from './messages/policies'

let installed = false

export function installPolicyMessages(): void {
  if (installed) return
  installed = true
  const merge = i18n.global.mergeLocaleMessage as (locale: string, messages: Record<string, unknown>) => void
  merge('zh-CN', { policies: policies.zh })
  merge('en', { policies: policies.en })
}
