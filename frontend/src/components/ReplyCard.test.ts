import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import type { AppealDetail } from '@/api/client'
import ReplyCard from '@/components/ReplyCard.vue'
import { i18n, setLocale } from '@/i18n'

const ev = (type: string, at: string, over: Record<string, unknown> = {}) => ({ type, at, version: 1, actor: null, ...over })
const timeline = [
  ev('filed', '2026-12-01T09:00:00+08:00'),
  ev('accept', '2026-12-01T10:00:00+08:00'),
  ev('reply', '2026-12-02T15:30:00+08:00', { content: '可申报县技改贴息，材料清单已发企业邮箱。' }),
  ev('confirm', '2026-12-03T08:00:00+08:00', { resolved: false, satisfaction: 2, comment: '还没有人联系我们' }),
]

function render(appeal: Record<string, unknown>) {
  return mount(ReplyCard, { props: { appeal: appeal as unknown as AppealDetail }, global: { plugins: [i18n] } })
}

describe('ReplyCard', () => {
  it('after 重办 shows the earlier reply with its time and the verdict, not 尚未答复', () => {
    setLocale('zh-CN')
    const w = render({ reply: null, timeline })
    const earlier = w.find('[data-testid="earlier-reply"]')
    expect(earlier.text()).toContain('上次答复')
    expect(earlier.text()).toContain('可申报县技改贴息，材料清单已发企业邮箱。')
    expect(earlier.text()).toContain('答复于 2026-12-02 15:30')
    expect(w.find('[data-testid="earlier-verdict"]').text()).toContain('企业评价：未解决（重办）')
    expect(w.find('[data-testid="earlier-verdict"]').text()).toContain('还没有人联系我们')
    expect(w.text()).not.toContain('尚未答复')
  })

  it('names a call-back verdict as such', () => {
    setLocale('zh-CN')
    const w = render({ reply: null, timeline: [...timeline.slice(0, 3), ev('callback', '2026-12-03T09:00:00+08:00', { resolved: false })] })
    expect(w.find('[data-testid="earlier-verdict"]').text()).toContain('回访评价：未解决（重办）')
  })

  it('shows the reply in force, and 尚未答复 before any', () => {
    setLocale('zh-CN')
    const replied = render({ reply: { content: '新的答复', at: '2026-12-05T10:00:00+08:00' }, timeline })
    expect(replied.find('[data-testid="reply"]').text()).toBe('新的答复')
    expect(replied.find('[data-testid="earlier-reply"]').exists()).toBe(false)
    expect(render({ reply: null, timeline: timeline.slice(0, 2) }).text()).toContain('尚未答复')
  })
})
