import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { Me } from '@/api/client'
import { ApiError } from '@/api/problem'
import { session } from '@/auth/session'
import common from '@/i18n/messages/common'
import reports from '@/i18n/messages/reports'

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
const Page = (await import('./ReportDashboard.vue')).default

function metrics(over: Record<string, number | null> = {}) {
  return {
    received: 0, replied: 0, due: 0, on_time: 0, missed: 0, on_time_rate: null, open_overdue: 0, replied_late: 0,
    escalated_1: 0, escalated_2: 0, confirmed: 0, resolved: 0, resolved_rate: null, rated: 0, satisfied: 0,
    satisfaction_rate: null, reopened: 0, reopened_rate: null, auto_closed: 0, answered_on_call: 0, direct_rate: null, repeat_calls: 0, merged: 0, voided: 0, withdrawn: 0, supplements: 0, avg_working_days: null, sign_due: 0, signed_in_time: 0, sign_rate: null, ...over,
  }
}
function dept(key: string, name: string, over: Record<string, number | null>, rank: number | null, kind = 'department') {
  return {
    key, name, rank, kind,
    metrics: { transferred: 0, replied: 0, on_time: 0, late: 0, on_time_rate: null, returned: 0, open_overdue: 0,
      supervised: 0, supervision_closed: 0, supervision_on_time: 0, sign_due: 0, signed_in_time: 0, sign_rate: null, parts_overdue: 0, ...over },
  }
}
const FIGURES = {
  period: { from: '2026-10-01', to: '2026-10-31', month: '2026-10' },
  as_of: '2026-10-31T23:59:59+08:00',
  built_at: '2026-11-02T01:00:00Z',
  min_ranked: 5,
  totals: metrics({ received: 12, replied: 10, due: 10, on_time: 8, on_time_rate: 0.8, open_overdue: 2, replied_late: 1,
    escalated_1: 2, escalated_2: 1, confirmed: 6, resolved: 5, resolved_rate: 0.8333, rated: 6, satisfied: 5, satisfaction_rate: 0.8333,
    sign_due: 10, signed_in_time: 9, sign_rate: 0.9, answered_on_call: 3, direct_rate: 0.25, repeat_calls: 2, withdrawn: 1, supplements: 4,
    merged: 1, voided: 2, paused: 2, pauses_ended: 2, paused_working_days: 5, avg_paused_working_days: 2.5, pause_expired: 1 }),
  previous_period: { from: '2026-09-01', to: '2026-09-30', month: '2026-09' },
  previous: metrics({ received: 9, on_time_rate: 0.7 }),
  change: { received: 3, on_time_rate: 0.1, open_overdue: -1, satisfaction_rate: null, resolved_rate: null, escalated_1: 1, escalated_2: 0 },
  by: {
    commissioner: [
      { key: 'c-designated', name: '顾晓燕', metrics: metrics({ received: 7, due: 6, on_time: 6, on_time_rate: 1 }), rank: 1 },
      { key: 'triage', name: '服务中心分办', metrics: metrics({ received: 1 }), rank: null },
    ],
    size_class: [{ key: 'designated', name: '规上', metrics: metrics({ received: 8 }), rank: null }],
    channel: [{ key: 'web', name: '网上平台', metrics: metrics({ received: 12 }), rank: null }],
    category: [{ key: 'land', name: '用地', metrics: metrics({ received: 4 }), rank: null }],
    town: [
      { key: '掘港街道', name: '掘港街道', metrics: metrics({ received: 5, due: 4, on_time: 3, on_time_rate: 0.75, resolved_rate: 1, satisfaction_rate: 0.5 }), rank: null },
      { key: '马塘镇', name: '马塘镇', metrics: metrics(), rank: null },
      { key: 'no_town', name: '未填写区镇', metrics: metrics({ received: 1 }), rank: null },
    ],
  },
  departments: [
    dept('tax', '县税务局', { transferred: 5, replied: 5, on_time: 5, on_time_rate: 1 }, 1),
    dept('land', '县自然资源和规划局', { transferred: 2, open_overdue: 2 }, null),
    dept('town-juegang', '掘港街道', { transferred: 3, replied: 2, on_time_rate: 0.5, parts_overdue: 1, sign_due: 3, signed_in_time: 2, sign_rate: 0.6667, supervised: 1 }, null, 'town'),
  ],
  notice: [
    { appeal_id: 'XQT-20261009-0002', title: '流动资金贷款', enterprise: '恒润机械', kind: 'open_overdue', owner: '顾晓燕',
      departments: ['县税务局'], due_at: '2026-10-15T15:59:59Z', replied_at: null, working_days_late: 11 },
    { appeal_id: 'XQT-20261009-0003', title: '招工难', enterprise: '星海新能源', kind: 'replied_late', owner: '徐建国',
      departments: [], due_at: '2026-10-15T23:59:59+08:00', replied_at: '2026-10-20T10:00:00+08:00', working_days_late: 3 },
  ],
  recurring: {
    categories: [
      { key: 'land', name: '用地', received: 4, previous: 1, change: 3 },
      { key: 'policy', name: '政策咨询', received: 0, previous: 0, change: 0 },
      { key: 'labor', name: '用工', received: 0, previous: 2, change: -2 },
    ],
    enterprises: [{ uscc: '913206', name: '恒润机械', received: 2, categories: ['用地', '融资'], appeal_ids: ['XQT-1', 'XQT-2'] }],
    common: [],
  },
  supervision: { started: 2, closed: 1, closed_on_time: 1, on_time_rate: 1, overdue: 0 },
  meetings: {
    held: [], missed: ['2026-10'], decided_items: 0, common_appeals: 3,
    common_items: [{ month: '2026-10', group_id: 'CP-1', title: '园区道路积水', accepted_at: '2026-10-20T09:00:00+08:00', appeal_ids: ['A1', 'A2', 'A3'], enterprises: 3 }],
  },
  appeals: [],
}
const TREND = {
  items: [
    { month: '2026-09', report_id: 'R-9', totals: metrics({ received: 9, on_time_rate: 0.7 }), departments: [] },
    { month: '2026-10', report_id: 'R-10', totals: metrics({ received: 12, on_time_rate: 0.8, open_overdue: 2 }), departments: [] },
  ],
  next_cursor: null,
}

async function setup(role: 'admin' | 'supervisor') {
  session.user = { username: role, role, display_name: role, department_id: null } as unknown as Me
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { common: common.zh, reports: reports.zh } } })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/reports/:id', component: Page, props: true },
      { path: '/reports', component: { template: '<p>reports</p>' } },
      { path: '/notices/new', component: { template: '<p>new</p>' } },
      { path: '/appeals/:id', component: { template: '<p>appeal</p>' } },
    ],
  })
  await router.push('/reports/R-10')
  await router.isReady()
  const wrapper = mount(Page, { props: { id: 'R-10' }, global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('ReportDashboard', () => {
  beforeEach(() => {
    get.mockReset()
    get.mockImplementation(async (path: string, opts: { params?: { path?: { report_id?: string }; query?: { months?: number } } }) => {
      if (path === '/api/v1/reports/{report_id}/figures') return { id: opts.params?.path?.report_id, figures: FIGURES }
      if (path === '/api/v1/reports/trend') return TREND
      throw new Error(path)
    })
  })

  it('shows the headline figures with their change, in Beijing time and the workbook’s words', async () => {
    const w = await setup('admin')
    expect(w.find('h1').text()).toBe('2026年10月诉求办理情况看板')
    expect(w.text()).toContain('统计截止 2026-10-31 23:59')
    expect(w.text()).toContain('生成于 2026-11-02 09:00')
    expect(w.text()).toContain('对比上期：2026年9月')
    const card = (key: string) => w.find(`[data-testid=headlines] [data-metric="${key}"]`)
    expect(card('received').text()).toContain('受理12')
    expect(card('received').text()).toContain('较上期上升 3')
    expect(card('on_time_rate').text()).toContain('按时答复率80.0%')
    expect(card('on_time_rate').find('.change').classes()).toContain('good')
    expect(card('on_time_rate').text()).toContain('较上期上升 10.0 个百分点')
    expect(card('open_overdue').text()).toContain('较上期下降 1')
    expect(card('open_overdue').find('.change').classes()).toContain('good')
    expect(card('satisfaction_rate').text()).toContain('83.3%')
    expect(card('satisfaction_rate').text()).toContain('上期无可比数据')
    expect(card('escalated').text()).toContain('升级服务中心 2 · 提交会办 1')
    expect(w.find('[data-testid=publish-notice]').exists()).toBe(false) // supervisors publish
    expect(get).toHaveBeenCalledWith('/api/v1/reports/trend', { params: { query: { months: 12 } } })
  })

  it('gives both charts their figures in words, and the trend as a table', async () => {
    const w = await setup('supervisor')
    const charts = w.findAll('[data-testid=chart]')
    expect(charts).toHaveLength(2)
    expect(charts[0].attributes('aria-label')).toContain('县税务局，按时答复率 100.0%，签收及时率 —')
    expect(charts[0].attributes('aria-label')).toContain('掘港街道，按时答复率 50.0%，签收及时率 66.7%')
    expect(charts[1].attributes('aria-label')).toContain('2026年10月，受理 12 件，按时答复率 80.0%')
    const trend = w.find('[data-testid=trend-table]')
    expect(trend.find('[data-month="2026-09"] a').attributes('href')).toBe('/reports/R-9')
    expect(trend.find('[data-month="2026-10"]').text()).toContain('80.0%')
    expect(w.find('[data-testid=publish-notice]').attributes('href')).toBe('/notices/new?report=R-10')
  })

  it('lists departments and units with their rank, and the notice items linked to their appeals', async () => {
    const w = await setup('admin')
    const depts = w.find('[data-testid=department-table]')
    expect(depts.find('[data-department="tax"]').text()).toMatch(/^1\s*县税务局/)
    expect(depts.find('[data-department="land"] [data-metric="open_overdue"]').text()).toBe('2')
    expect(depts.find('[data-department="land"]').text()).toMatch(/^—/)
    const units = w.find('[data-dimension="commissioner"]')
    expect(units.find('[data-unit="c-designated"] [data-metric="on_time_rate"]').text()).toBe('100.0%')
    expect(units.find('[data-unit="triage"]').text()).toContain('服务中心分办')
    const items = w.find('[data-testid=notice-items]')
    const late = items.find('[data-appeal="XQT-20261009-0002"]')
    expect(late.find('a').attributes('href')).toBe('/appeals/XQT-20261009-0002')
    expect(late.text()).toContain('超期未答复')
    expect(late.text()).toContain('2026-10-15 23:59') // the UTC deadline in Beijing time
    expect(late.text()).toContain('未答复')
    expect(items.find('[data-appeal="XQT-20261009-0003"]').text()).toContain('2026-10-20 10:00')
    const recurring = w.find('[data-testid=recurring]')
    expect(recurring.find('[data-category="land"]').text()).toContain('+3')
    expect(recurring.find('[data-category="labor"]').text()).toContain('-2')
    expect(recurring.find('[data-category="policy"]').exists()).toBe(false)
    expect(recurring.find('[data-enterprise="913206"] a[href="/appeals/XQT-2"]').exists()).toBe(true)
    expect(w.find('[data-testid=supervision]').text()).toContain('2026年10月')
  })

  it('shows issue 18’s handling figures, each with its parts and in the workbook’s words', async () => {
    const w = await setup('admin')
    const card = (key: string) => w.find(`[data-testid=process] [data-metric="${key}"]`).text()
    expect(card('sign_rate')).toContain('签收及时率90.0%')
    expect(card('sign_rate')).toContain('按时签收 9 / 应签收 10')
    expect(card('parts_overdue')).toContain('超期件1') // the units' parts overdue, summed
    expect(card('paused')).toContain('挂起诉求2')
    expect(card('paused')).toContain('挂起结束 2 次，共 5 个工作日，平均 2.50；到期恢复 1 次')
    expect(card('direct_rate')).toContain('直办率25.0%')
    expect(card('repeat_calls')).toContain('重复来电2')
    expect(card('withdrawn')).toContain('企业撤回1')
    expect(card('supplements')).toContain('补充材料4')
    expect(card('merged_voided')).toContain('合并重复诉求 1，无效工单 2')
    expect(card('common_items')).toContain('共性诉求议题1')
    expect(card('common_items')).toContain('涉及诉求 3 件')
    expect(w.find('[data-testid=common-items]').text()).toContain('园区道路积水（2026年10月，涉及诉求 3 件）')
  })

  it('shows the towns as units, marked among the departments, and the appeals by the filer’s town', async () => {
    const w = await setup('admin')
    const depts = w.find('[data-testid=department-table]')
    expect(depts.find('[data-department="town-juegang"] [data-testid=town-tag]').text()).toBe('区镇')
    expect(depts.find('[data-department="tax"] [data-testid=town-tag]').exists()).toBe(false)
    const units = w.find('[data-testid=town-units]')
    expect(units.findAll('tbody tr')).toHaveLength(1) // the departments are not towns
    const jg = units.find('[data-town="town-juegang"]')
    expect(jg.find('[data-metric="transferred"]').text()).toBe('3')
    expect(jg.find('[data-metric="parts_overdue"]').text()).toBe('1')
    expect(jg.find('[data-metric="sign_rate"]').text()).toBe('66.7%')
    expect(jg.find('[data-metric="supervised"]').text()).toBe('1')
    const filers = w.find('[data-testid=town-filers]')
    const row = filers.find('[data-town="掘港街道"]')
    expect(row.find('[data-metric="received"]').text()).toBe('5')
    expect(row.find('[data-metric="on_time_rate"]').text()).toBe('75.0%')
    expect(row.find('[data-metric="resolved_rate"]').text()).toBe('100.0%')
    expect(row.find('[data-metric="satisfaction_rate"]').text()).toBe('50.0%')
    expect(filers.find('[data-town="马塘镇"] [data-metric="on_time_rate"]').text()).toBe('—')
    expect(filers.find('[data-town="no_town"]').text()).toContain('未填写区镇')
  })

  it('says a report still being built has no dashboard yet', async () => {
    get.mockImplementation(async (path: string) => {
      if (path === '/api/v1/reports/{report_id}/figures') {
        throw new ApiError(409, { type: 'x', title: 't', status: 409, detail: '报告尚未完成', code: 'invalid_transition' })
      }
      return { items: [], next_cursor: null }
    })
    const w = await setup('admin')
    expect(w.find('[data-testid=dashboard-not-ready]').text()).toContain('该报告尚未生成完成')
    expect(w.findAll('[data-testid=chart]')).toHaveLength(0)
  })
})
