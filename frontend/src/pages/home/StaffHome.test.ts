import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { Me } from '@/api/client'
import { session } from '@/auth/session'
import { i18n, setLocale } from '@/i18n'

const get = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
// The canvas is the browser tests' business: here the chart gets its option and its words.
vi.mock('@/components/EChart.vue', () => ({
  default: {
    name: 'EChart',
    props: ['option', 'label', 'height'],
    template: '<div role="img" :aria-label="label" data-testid="chart"></div>',
  },
}))
const Home = (await import('./StaffHome.vue')).default
enableAutoUnmount(afterEach)

const COUNTERS = { awaiting_sign: 2, in_progress: 3, due_today: 1, overdue: 4, supervised_open: 1, partial: false }
const MONTH = {
  department_id: 'town-juegang',
  month: '2026-12',
  as_of: '2026-12-07T02:00:00Z',
  source: 'live',
  fresh_until: '2026-12-07T02:05:00Z',
  report_id: null,
  unit: { transferred: 2, replied: 2, on_time_rate: 1, sign_rate: 0.5, parts_overdue: 0, supervised: 1 },
  county: { transferred: 1.5, replied: 1, on_time_rate: 0.8, sign_rate: 0.6667, parts_overdue: 0.5, supervised: 0.5, units: 2 },
}

async function setup(user: Record<string, unknown>) {
  session.user = user as unknown as Me
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<p>page</p>' } }] })
  await router.push('/home')
  await router.isReady()
  const wrapper = mount(Home, { global: { plugins: [i18n, router] } })
  await flushPromises()
  return wrapper
}

describe('a unit’s home', () => {
  beforeEach(() => {
    setLocale('zh-CN')
    get.mockReset()
    get.mockImplementation(async (path: string) => {
      if (path === '/api/v1/me/counters') return COUNTERS
      if (path === '/api/v1/departments/{department_id}') return { id: 'town-juegang', name: '掘港街道', kind: 'town' }
      if (path === '/api/v1/departments/{department_id}/month') return MONTH
      throw new Error(`unexpected ${path}`)
    })
  })

  it('shows the five counters, each opening the unit’s filtered list', async () => {
    const w = await setup({ role: 'department', department_id: 'town-juegang', display_name: '掘港街道' })
    expect(w.find('h1').text()).toBe('掘港街道工作台')
    const tiles = w.findAll('[data-counter]')
    expect(tiles.map((a) => [a.attributes('data-counter'), a.find('[data-testid=counter-value]').text(), a.attributes('href')])).toEqual([
      ['awaiting_sign', '2', '/department/ledger?kind=part&signed=false'],
      ['in_progress', '3', '/department/ledger?kind=part&signed=true'],
      ['due_today', '1', '/department/ledger?status=due_today'],
      ['overdue', '4', '/department/ledger?overdue=true'],
      ['supervised_open', '1', '/department/ledger?kind=supervised&accepted=false'],
    ])
    expect(tiles.map((a) => a.find('.name').text())).toEqual(['待签收', '办理中', '今日到期', '逾期', '督办中'])
    expect(w.find('[data-counter=overdue]').classes()).toContain('hot')
  })

  it('puts this month’s figures beside the county’s average, rates as percentages', async () => {
    const w = await setup({ role: 'department', department_id: 'town-juegang', display_name: '掘港街道' })
    expect(get).toHaveBeenCalledWith('/api/v1/departments/{department_id}/month', { params: { path: { department_id: 'town-juegang' } } })
    const rows = w.findAll('[data-figure]').map((r) => [r.find('th').text(), r.find('[data-testid=unit-value]').text(), r.find('[data-testid=county-value]').text()])
    expect(rows).toEqual([
      ['收到转办', '2', '1.5'],
      ['已答复', '2', '1.0'],
      ['按时答复率', '100.0%（优于全县平均）', '80.0%'],
      ['签收及时率', '50.0%（低于全县平均）', '66.7%'],
      ['超期件', '0（优于全县平均）', '0.5'],
      ['督办事项', '1', '0.5'],
    ])
    expect(w.find('[data-figure=sign_rate] .mine').classes()).toContain('worse')
    // the month and the instant counted to, in Beijing time
    expect(w.find('caption').text()).toBe('2026 年 12 月，截至 2026-12-07 10:00（实时统计，每 5 分钟更新）')
    expect(w.text()).toContain('全县平均按本月有办理记录的 2 个单位计算')
  })

  it('says so when the figures cannot be read, and keeps the counters', async () => {
    get.mockImplementation(async (path: string) => {
      if (path === '/api/v1/me/counters') return COUNTERS
      if (path === '/api/v1/departments/{department_id}') return { id: 'tax', name: '税务局' }
      throw new Error('network down')
    })
    const w = await setup({ role: 'department', department_id: 'tax', display_name: '税务局' })
    expect(w.find('[data-testid=unit-month] [role=alert]').text()).toContain('本月数据暂时无法读取')
    expect(w.findAll('[data-counter]')).toHaveLength(5)
  })

  it('shows no unit figures to other staff', async () => {
    const w = await setup({ role: 'supervisor', display_name: '督查' })
    expect(w.find('[data-testid=unit-month]').exists()).toBe(false)
    expect(get).not.toHaveBeenCalledWith('/api/v1/departments/{department_id}/month', expect.anything())
  })
})

describe('the service centre’s and the supervisor’s home', () => {
  const point = (month: string, received: number, rate: number | null) => ({
    month,
    report_id: `r-${month}`,
    totals: { received, on_time_rate: rate },
    departments: [],
  })

  beforeEach(() => {
    setLocale('zh-CN')
    get.mockReset()
  })

  it('draws the last six months from the reports, in words too, linking the latest dashboard', async () => {
    get.mockImplementation(async (path: string) => {
      if (path === '/api/v1/me/counters') return COUNTERS
      if (path === '/api/v1/reports/trend') return { items: [point('2026-10', 31, 0.9), point('2026-11', 36, 0.75)] }
      throw new Error(`unexpected ${path}`)
    })
    const w = await setup({ role: 'admin', display_name: '中心' })
    await vi.waitFor(() => expect(w.find('[data-testid=chart]').exists()).toBe(true))
    expect(get).toHaveBeenCalledWith('/api/v1/reports/trend', { params: { query: { months: 6 } } })
    expect(w.find('#home-trend-title').text()).toBe('近 6 个月受理与按时答复')
    const label = w.find('[data-testid=chart]').attributes('aria-label')
    expect(label).toContain('2026年10月，受理 31 件，按时答复率 90.0%')
    expect(label).toContain('2026年11月，受理 36 件，按时答复率 75.0%')
    expect(w.find('[data-testid=home-trend-dashboard]').attributes('href')).toBe('/reports/r-2026-11')
    // the counters came first and stay
    expect(w.findAll('[data-counter]').length).toBeGreaterThan(0)
  })

  it('says when no monthly report exists yet, and where reports are made', async () => {
    get.mockImplementation(async (path: string) => {
      if (path === '/api/v1/me/counters') return COUNTERS
      if (path === '/api/v1/reports/trend') return { items: [] }
      throw new Error(`unexpected ${path}`)
    })
    const w = await setup({ role: 'supervisor', display_name: '督查' })
    await vi.waitFor(() => expect(w.find('[data-testid=home-trend-empty]').exists()).toBe(true))
    expect(w.find('[data-testid=home-trend-empty]').text()).toContain('尚无已生成的月度报告')
    expect(w.find('[data-testid=chart]').exists()).toBe(false)
  })

  it('asks no trend for the roles that do not read reports', async () => {
    get.mockImplementation(async (path: string) => {
      if (path === '/api/v1/me/counters') return COUNTERS
      throw new Error(`unexpected ${path}`)
    })
    const w = await setup({ role: 'commissioner', display_name: '专员' })
    await flushPromises()
    expect(w.find('[data-testid=home-trend]').exists()).toBe(false)
    expect(get).not.toHaveBeenCalledWith('/api/v1/reports/trend', expect.anything())
  })
})
