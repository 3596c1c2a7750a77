// The financing pages' texts (products, the financing need, suggestions on an appeal, product
// management), merged into the app's messages when one of those pages or the appeal page's
// financing panel is first loaded: they stay out of the first bundle. Eligibility conditions
// are worded with the policy texts, so those are installed too.
import { i18n } from '.'
import { installPolicyMessages } from './policies'
import financing from './messages/financing'

let installed = false

export function installFinancingMessages(): void {
  installPolicyMessages()
  if (installed) return
  installed = true
  const merge = i18n.global.mergeLocaleMessage as (locale: string, messages: Record<string, unknown>) => void
  merge('zh-CN', { financing: financing.zh })
  merge('en', { financing: financing.en })
}
