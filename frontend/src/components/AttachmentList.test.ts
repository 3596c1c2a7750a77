import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'

import { ApiError } from '@/api/problem'
import common from '@/i18n/messages/common'

import AttachmentList from './AttachmentList.vue'

const FILES = [
  { id: 'U0000000000000001', filename: '东政发〔2026〕12号.pdf', content_type: 'application/pdf', size: 1536, uploaded_at: 'x' },
  { id: 'U0000000000000002', filename: '申报表.xlsx', content_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', size: 2 * 1024 * 1024, uploaded_at: 'x' },
  { id: 'U0000000000000003', filename: '正式文件.ofd', content_type: 'application/ofd', size: 300, uploaded_at: 'x' },
]

type Link = (id: string) => Promise<{ id: string; filename: string; url: string; expires_at: string }>

function setup(props: { link: Link; attachments?: typeof FILES; removable?: boolean }) {
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { common: common.zh } } })
  return mount(AttachmentList, { props: { attachments: FILES, ...props }, global: { plugins: [i18n] } })
}

describe('AttachmentList', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('shows each file’s kind, name and size; nothing to remove unless asked', () => {
    const w = setup({ link: vi.fn() })
    const rows = w.findAll('[data-attachment]')
    expect(rows.map((r) => [r.find('.kind').text(), r.find('[data-testid=attachment-name]').text(), r.find('.size').text()])).toEqual([
      ['PDF', '东政发〔2026〕12号.pdf', '1.5 KB'],
      ['Excel', '申报表.xlsx', '2.0 MB'],
      ['OFD', '正式文件.ofd', '300 B'],
    ])
    expect(w.findAll('[data-testid=attachment-delete]')).toHaveLength(0)
    expect(w.find('[data-testid=attachment-download]').attributes('aria-label')).toBe('下载 东政发〔2026〕12号.pdf')
    expect(setup({ attachments: [], link: vi.fn() }).text()).toBe('暂无附件')
  })

  it('asks for a fresh link on each click and opens it', async () => {
    const assign = vi.fn()
    vi.stubGlobal('location', { ...window.location, assign })
    const link = vi.fn(async (id: string) => ({ id, filename: 'f', url: `https://bucket/${id}?X-Amz-Signature=s`, expires_at: 'x' }))
    const w = setup({ link })
    await w.findAll('[data-testid=attachment-download]')[1]?.trigger('click')
    await flushPromises()
    expect(link).toHaveBeenCalledWith('U0000000000000002')
    expect(assign).toHaveBeenCalledWith('https://bucket/U0000000000000002?X-Amz-Signature=s')
  })

  it('says why a download failed, at the file', async () => {
    const link = vi.fn(async () => {
      throw new ApiError(404, { type: 'x', title: 'x', status: 404, detail: '附件不存在', code: 'not_found' })
    })
    const w = setup({ link })
    await w.find('[data-testid=attachment-download]').trigger('click')
    await flushPromises()
    expect(w.find('[data-attachment=U0000000000000001] [role=alert]').text()).toBe('无法下载：附件不存在')
  })

  it('offers removal when removable, telling the parent which file', async () => {
    const w = setup({ link: vi.fn(), removable: true })
    await w.findAll('[data-testid=attachment-delete]')[2]?.trigger('click')
    expect(w.emitted('remove')).toEqual([[FILES[2]]])
  })
})
