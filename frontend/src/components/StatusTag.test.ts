import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import StatusTag from '@/components/StatusTag.vue'
import { i18n, setLocale } from '@/i18n'

describe('StatusTag', () => {
  it('gives each status its own class, never Element Plus’ primary (the brand red)', () => {
    setLocale('zh-CN')
    for (const status of ['received', 'processing', 'replied', 'closed']) {
      const tag = mount(StatusTag, { props: { status }, global: { plugins: [i18n] } }).find(`[data-status="${status}"]`)
      expect(tag.classes()).toContain(`status-${status}`)
      expect(tag.classes()).not.toContain('el-tag--danger')
    }
    const tag = mount(StatusTag, { props: { status: 'processing' }, global: { plugins: [i18n] } })
    expect(tag.text()).toBe('办理中')
  })

  it('shows a department’s part in the colour of the appeal status it reads as', () => {
    setLocale('zh-CN')
    const part = mount(StatusTag, { props: { status: 'open', part: true }, global: { plugins: [i18n] } }).find('[data-status="open"]')
    expect(part.text()).toBe('办理中')
    expect(part.classes()).toContain('status-processing') // the same blue as the appeal's 办理中
    const returned = mount(StatusTag, { props: { status: 'returned', part: true }, global: { plugins: [i18n] } })
    expect(returned.text()).toBe('已退回')
  })
})
