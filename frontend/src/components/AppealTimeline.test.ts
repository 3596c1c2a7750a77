import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'

import type { TimelineEvent } from '@/api/client'
import AppealTimeline from '@/components/AppealTimeline.vue'
import { i18n, setLocale } from '@/i18n'

const supplement = {
  type: 'supplement',
  at: '2026-12-07T02:30:00+00:00',
  version: 3,
  status: 'processing',
  actor: { username: 'ent-hengrun', display_name: '恒润机械', role: 'enterprise' },
  content: '补充:现场照片。',
  attachments: [
    { id: 'U0000000000000001', filename: '现场照片.png', content_type: 'image/png', size: 2048, uploaded_at: '2026-12-07T10:29:00+08:00' },
  ],
} as unknown as TimelineEvent

describe('AppealTimeline', () => {
  it('shows a supplement with its words and its files, downloaded through the appeal', async () => {
    setLocale('zh-CN')
    const link = vi.fn().mockResolvedValue({ id: 'U0000000000000001', filename: '现场照片.png', url: 'about:blank', expires_at: '' })
    const open = vi.spyOn(window, 'open').mockReturnValue(null)
    const wrapper = mount(AppealTimeline, { props: { events: [supplement], link }, global: { plugins: [i18n] } })
    const text = wrapper.text()
    expect(text).toContain('企业补充材料')
    expect(text).toContain('恒润机械')
    expect(text).toContain('2026-12-07 10:30') // Beijing time
    expect(text).toContain('补充:现场照片。')
    const files = wrapper.find('[data-testid="timeline-files-3"]')
    expect(files.text()).toContain('现场照片.png')
    await files.find('button').trigger('click')
    await flushPromises()
    expect(link).toHaveBeenCalledWith('U0000000000000001')
    open.mockRestore()
  })

  it('lists no files without a way to download them', () => {
    setLocale('zh-CN')
    const wrapper = mount(AppealTimeline, { props: { events: [supplement] }, global: { plugins: [i18n] } })
    expect(wrapper.find('[data-testid="timeline-files-3"]').exists()).toBe(false)
  })
  it('names the parts a withdrawal closed as such', () => {
    setLocale('zh-CN')
    const withdraw = {
      type: 'withdraw',
      at: '2026-12-07T03:00:00+00:00',
      version: 4,
      status: 'closed',
      reason: '已自行解决',
      closed_as: 'withdrawn',
      departments: [{ id: 'tax', name: '县税务局' }],
    } as unknown as TimelineEvent
    const text = mount(AppealTimeline, { props: { events: [withdraw] }, global: { plugins: [i18n] } }).text()
    expect(text).toContain('企业撤回诉求')
    expect(text).toContain('随之关闭的部门办理：县税务局')
    expect(text).toContain('已自行解决')
  })
})
