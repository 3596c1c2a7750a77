import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import { i18n, setLocale } from '@/i18n'
import { minutesOf } from '@/utils/track'

const post = vi.fn()
vi.mock('@/api/client', () => ({ client: { POST: (...args: unknown[]) => post(...args) } }))

const TrackPage = (await import('./TrackPage.vue')).default

const PROGRESS = {
  id: 'XQT-20261127-0042',
  status: 'processing',
  category: 'land',
  filed_at: '2026-11-27T09:30:00+08:00',
  reply_due_at: '2026-12-04T23:59:59+08:00',
  replied_at: null,
  closed_at: null,
  closed_as: null,
  steps: [
    { type: 'filed', at: '2026-11-27T09:30:00+08:00' },
    { type: 'accept', at: '2026-11-27T10:05:00+08:00' },
  ],
}

/** What openapi-fetch resolves to: the data (or the problem) and the response. */
function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  const response = new Response(null, { status, headers })
  return status < 400 ? { data: body, response } : { error: body, response }
}

async function lookUp(result: unknown, caseNumber = 'xqt-20261127-0042', phone = '13912345678') {
  post.mockResolvedValue(result)
  const wrapper = mount(TrackPage, { global: { plugins: [i18n] } })
  await wrapper.get('input[name=case_number]').setValue(caseNumber)
  await wrapper.get('input[name=phone]').setValue(phone)
  await wrapper.get('form').trigger('submit')
  await flushPromises()
  return { wrapper, fetch: post }
}

beforeEach(() => {
  post.mockReset()
  setLocale('zh-CN')
})

describe('TrackPage', () => {
  it('shows the status, the times in Beijing time and the steps', async () => {
    const { wrapper, fetch } = await lookUp(answer(200, PROGRESS), ' xqt-20261127-0042 ')
    expect(fetch).toHaveBeenCalledWith('/api/v1/public/lookup', {
      body: { case_number: 'xqt-20261127-0042', phone: '13912345678' },
    })
    expect(wrapper.get('[data-testid=track-id]').text()).toBe('XQT-20261127-0042')
    const text = wrapper.get('[data-testid=track-result]').text()
    expect(text).toContain('办理中')
    expect(text).toContain('用地')
    expect(text).toContain('2026-12-04 23:59')
    expect(wrapper.get('[data-testid=track-steps]').text()).toContain('提交诉求')
    expect(wrapper.get('[data-testid=track-steps]').text()).toContain('2026-11-27 10:05')
  })

  it('says plainly when nothing is found', async () => {
    const { wrapper } = await lookUp(answer(404, { code: 'not_found', status: 404 }))
    expect(wrapper.get('[data-testid=track-refusal]').text()).toBe('未查到，请核对受理编号和手机号')
    expect(wrapper.find('[data-testid=track-result]').exists()).toBe(false)
  })

  it('says how many minutes to wait after too many tries', async () => {
    const body = { code: 'too_many_requests', status: 429 }
    const { wrapper } = await lookUp(answer(429, body, { 'Retry-After': '1750' }))
    expect(wrapper.get('[data-testid=track-refusal]').text()).toBe('查询失败次数过多，请 30 分钟后再试')
  })

  it('asks for both fields before it asks the server', async () => {
    const { wrapper, fetch } = await lookUp(answer(200, PROGRESS), '', ' ')
    expect(fetch).not.toHaveBeenCalled()
    expect(wrapper.findAll('.error')).toHaveLength(2)
  })

  it('shows how a closed appeal was closed', async () => {
    const closed = { ...PROGRESS, status: 'closed', closed_at: '2026-12-01T10:00:00+08:00', closed_as: 'auto_closed' }
    const { wrapper } = await lookUp(answer(200, closed))
    expect(wrapper.get('[data-testid=track-result]').text()).toContain('答复后未评价，自动办结')
  })
})

describe('minutesOf', () => {
  it('rounds Retry-After up to minutes, an hour when it says nothing', () => {
    expect(minutesOf('1')).toBe(1)
    expect(minutesOf('60')).toBe(1)
    expect(minutesOf('61')).toBe(2)
    expect(minutesOf('3600')).toBe(60)
    expect(minutesOf(null)).toBe(60)
    expect(minutesOf('soon')).toBe(60)
  })
})
