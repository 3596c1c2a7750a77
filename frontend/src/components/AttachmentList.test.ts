import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'

import attachments from '@/i18n/messages/attachments'

import List from './AttachmentList.vue'

const FILES = [
  { id: 'U0000000000000001', filename: '评估报告.pdf', content_type: 'application/pdf', size: 2048, uploaded_at: '2026-11-27T10:00:00+08:00' },
  {
    id: 'U0000000000000002',
    filename: '设备清单.xlsx',
    content_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    size: 3 * 1024 * 1024 + 300_000,
    uploaded_at: '2026-11-27T10:00:00+08:00',
  },
]

function mountList(link: (id: string) => Promise<{ url: string }>) {
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { attachments: attachments.zh } } })
  return mount(List, { props: { attachments: FILES, link }, global: { plugins: [i18n] } })
}

describe('AttachmentList', () => {
  afterEach(() => vi.restoreAllMocks())

  it('shows each file with its kind and size', () => {
    const w = mountList(vi.fn())
    const rows = w.findAll('[data-attachment]')
    expect(rows[0]?.text()).toContain('评估报告.pdf')
    expect(rows[0]?.find('[data-testid=attachment-kind]').text()).toBe('PDF')
    expect(rows[0]?.find('[data-testid=attachment-size]').text()).toBe('2 KB')
    expect(rows[1]?.find('[data-testid=attachment-kind]').text()).toBe('Excel')
    expect(rows[1]?.find('[data-testid=attachment-size]').text()).toBe('3.3 MB')
  })

  it('asks for a fresh link when the download is clicked and goes to it', async () => {
    const assign = vi.fn()
    vi.spyOn(window, 'location', 'get').mockReturnValue({ ...window.location, assign } as Location)
    const link = vi.fn().mockResolvedValue({ url: 'http://bucket/uploads/x?sig=1' })
    const w = mountList(link)
    expect(link).not.toHaveBeenCalled()
    await w.findAll('[data-testid=attachment-download]')[1]?.trigger('click')
    await flushPromises()
    expect(link).toHaveBeenCalledWith('U0000000000000002')
    expect(assign).toHaveBeenCalledWith('http://bucket/uploads/x?sig=1')
  })

  it('says why a link could not be had', async () => {
    const w = mountList(vi.fn().mockRejectedValue(new Error('链接已失效')))
    await w.find('[data-testid=attachment-download]').trigger('click')
    await flushPromises()
    expect(w.find('[role=alert]').text()).toBe('链接已失效')
  })
})
