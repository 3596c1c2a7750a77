import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'

import reports from '@/i18n/messages/reports'

const get = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Downloads = (await import('./ReportDownloads.vue')).default

const links = (id: string) => ({ xlsx: `https://s3/${id}.xlsx?sig`, csv: `https://s3/${id}.csv?sig`, json: `https://s3/${id}.json?sig` })

function setup(props: Record<string, unknown>) {
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { reports: reports.zh } } })
  return mount(Downloads, { props: props as never, global: { plugins: [i18n] } })
}

describe('ReportDownloads', () => {
  beforeEach(() => {
    get.mockReset()
    get.mockImplementation(async (_: string, opts: { params: { path: { report_id: string } } }) => {
      const id = opts.params.path.report_id
      if (id === 'R-gone') throw new Error('报告不存在')
      return { id, status: 'done', downloads: links(id) }
    })
  })

  it('shows fresh links as they come, and fetches them again for another report', async () => {
    const w = setup({ reportId: 'R-1', period: '2026年10月', fresh: links('R-1') })
    expect(w.findAll('a').map((a) => a.attributes('href'))).toEqual(Object.values(links('R-1')))
    expect(w.find('[data-testid=downloads]').attributes('aria-label')).toBe('2026年10月 报告下载')
    await w.setProps({ reportId: 'R-2', period: '2026年11月', fresh: null })
    expect(w.findAll('a')).toHaveLength(0) // R-1's links never stand for R-2
    const button = w.find('[data-testid=get-downloads]')
    expect(button.attributes('aria-label')).toBe('下载 2026年11月 报告')
    await button.trigger('click')
    await flushPromises()
    expect(get).toHaveBeenCalledWith('/api/v1/reports/{report_id}', { params: { path: { report_id: 'R-2' } } })
    expect(w.findAll('a').map((a) => a.attributes('href'))).toEqual(Object.values(links('R-2')))
  })

  it('says why links could not be had', async () => {
    const w = setup({ reportId: 'R-gone', period: '2026年10月' })
    await w.find('[data-testid=get-downloads]').trigger('click')
    await flushPromises()
    expect(w.find('[role=alert]').text()).toBe('报告不存在')
    expect(w.findAll('a')).toHaveLength(0)
  })
})
