import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import { i18n, setLocale } from '@/i18n'
import DeadlineText from './DeadlineText.vue'

function render(props: Record<string, unknown>) {
  return mount(DeadlineText, { props: { dueAt: '2026-10-08T23:59:59+08:00', ...props }, global: { plugins: [i18n] } })
}

describe('DeadlineText', () => {
  it('shows the deadline in Beijing time with the working days left', () => {
    setLocale('zh-CN')
    const text = render({ workingDaysLeft: 3 }).text()
    expect(text).toContain('2026-10-08 23:59')
    expect(text).toContain('剩余 3 个工作日')
  })

  it('is the time alone when nothing follows it: no stray dash or dot (issue 19)', () => {
    setLocale('zh-CN')
    expect(render({ dueAt: '2026-12-10T23:59:59+08:00' }).text()).toBe('2026-12-10 23:59')
    expect(render({ dueAt: '2026-12-10T23:59:59+08:00', workingDaysLeft: null }).text()).toBe('2026-12-10 23:59')
  })

  it('reads Beijing time whatever the instant was written in', () => {
    expect(render({ dueAt: '2026-10-08T15:59:59Z' }).text()).toContain('2026-10-08 23:59')
  })

  it('says due today on the last day and overdue after', () => {
    setLocale('zh-CN')
    expect(render({ workingDaysLeft: 0 }).text()).toContain('今日到期')
    const late = render({ workingDaysLeft: 0, overdue: true })
    expect(late.text()).toContain('已逾期')
    expect(late.classes()).toContain('late')
  })

  it('marks a provisional deadline and speaks English when asked', () => {
    setLocale('en')
    const wrapper = render({ workingDaysLeft: 2, provisional: true })
    expect(wrapper.text()).toContain('2 working day(s) left')
    expect(wrapper.find('.provisional').attributes('title')).toContain('Provisional')
    setLocale('zh-CN')
  })

  it('explains the 「*」 in words, not only in a tooltip a phone cannot show', () => {
    setLocale('zh-CN')
    const note = render({ workingDaysLeft: 2, provisional: true }).find('[data-testid="provisional-note"]')
    expect(note.text()).toBe('*暂定：该年度放假安排尚未录入，期限可能调整。')
    expect(render({ workingDaysLeft: 2 }).find('[data-testid="provisional-note"]').exists()).toBe(false)
  })

  it('leaves no separator dangling when there is nothing after the time', () => {
    setLocale('zh-CN')
    const text = render({ workingDaysLeft: null }).text().trim()
    expect(text).toBe('2026-10-08 23:59')
  })
})
