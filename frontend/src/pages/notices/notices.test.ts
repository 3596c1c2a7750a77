import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { Me } from '@/api/client'
import { ApiError } from '@/api/problem'
import { session } from '@/auth/session'
import common from '@/i18n/messages/common'
import notices from '@/i18n/messages/notices'
import reports from '@/i18n/messages/reports'

const get = vi.fn()
const post = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a), POST: (...a: unknown[]) => post(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const NoticesPage = (await import('./NoticesPage.vue')).default
const NoticePage = (await import('./NoticePage.vue')).default
const PublishNotice = (await import('./PublishNotice.vue')).default

function metrics(over: Record<string, number | null> = {}) {
  return {
    received: 0, replied: 0, due: 0, on_time: 0, missed: 0, on_time_rate: null, open_overdue: 0, replied_late: 0,
    escalated_1: 0, escalated_2: 0, confirmed: 0, resolved: 0, resolved_rate: null, rated: 0, satisfied: 0,
    satisfaction_rate: null, reopened: 0, reopened_rate: null, auto_closed: 0, answered_on_call: 0, direct_rate: null, repeat_calls: 0, merged: 0, voided: 0, withdrawn: 0, supplements: 0, avg_working_days: null, sign_due: 0, signed_in_time: 0, sign_rate: null, ...over,
  }
}
const ITEM = {
  appeal_id: 'XQT-20261009-0002', title: '流动资金贷款', enterprise: '恒润机械', kind: 'part_overdue', owner: '顾晓燕',
  departments: ['县税务局'], due_at: '2026-10-10T23:59:59+08:00', replied_at: null, working_days_late: 16,
}
const DEPT = {
  key: 'tax', name: '县税务局', rank: 1,
  metrics: { transferred: 6, replied: 5, on_time: 4, late: 1, on_time_rate: 0.8, returned: 0, open_overdue: 1,
    supervised: 0, supervision_closed: 0, supervision_on_time: 0, sign_due: 0, signed_in_time: 0, sign_rate: null, parts_overdue: 0 },
}
const SUPERVISOR = { username: 'supervisor', role: 'supervisor', display_name: '周明(县作风效能办)' }
const OCTOBER = { from: '2026-10-01', to: '2026-10-31', month: '2026-10' }

function notice(id: string, over: Record<string, unknown> = {}) {
  return {
    id, title: '关于2026年10月企业诉求办理情况的通报', text: '10月,全县受理企业诉求 12 件。\n请各部门抓紧办理。', period: OCTOBER,
    report_id: 'R-10', items: [ITEM], departments: [DEPT],
    rankings: { commissioner: [{ key: 'c-designated', name: '顾晓燕', rank: 1, ...metrics({ received: 7, on_time_rate: 1 }) }], size_class: [], channel: [], category: [] },
    totals: metrics({ received: 12, replied: 10, on_time_rate: 0.8, open_overdue: 1 }),
    published_by: SUPERVISOR, published_at: '2026-11-02T01:00:00Z', corrects: null, corrected_by: null, ...over,
  }
}
const FIRST = notice('N-1', { corrected_by: 'N-2' })
const CORRECTION = notice('N-2', { title: '关于2026年10月企业诉求办理情况的通报(更正)', corrects: 'N-1', published_at: '2026-11-03T09:00:00+08:00' })
const SEPTEMBER = notice('N-0', { title: '关于2026年9月企业诉求办理情况的通报', period: { from: '2026-09-01', to: '2026-09-30', month: '2026-09' } })

function report(id: string, period: Record<string, unknown>, status = 'done') {
  return { id, status, progress: 100, period, trigger: 'manual', requested_by: SUPERVISOR, requested_at: '2026-11-02T09:00:00+08:00',
    started_at: null, finished_at: '2026-11-02T09:00:05+08:00', error: null, items_read: 20, downloads: { xlsx: null, csv: null, json: null }, summary: null }
}
const REPORTS = [
  report('R-run', { from: '2026-11-01', to: '2026-11-30', month: '2026-11' }, 'running'),
  report('R-10', OCTOBER),
  report('R-range', { from: '2026-10-01', to: '2026-10-15', month: null }),
]

function serve() {
  get.mockImplementation(async (path: string, opts: { params?: { path?: Record<string, string> } }) => {
    if (path === '/api/v1/notices') return { items: [CORRECTION, FIRST, SEPTEMBER], next_cursor: null }
    if (path === '/api/v1/notices/{notice_id}') {
      const found = [CORRECTION, FIRST, SEPTEMBER].find((n) => n.id === opts.params?.path?.notice_id)
      if (!found) throw new ApiError(404, { type: 'x', title: '未找到', status: 404, detail: '通报不存在', code: 'not_found' })
      return found
    }
    if (path === '/api/v1/reports') return { items: REPORTS, next_cursor: null }
    if (path === '/api/v1/reports/{report_id}/figures') {
      const id = opts.params?.path?.report_id
      const items = id === 'R-10' ? [ITEM] : []
      return { id, figures: { period: OCTOBER, notice: items, departments: id === 'R-10' ? [DEPT] : [] } }
    }
    throw new Error(path)
  })
}

async function setup(component: unknown, path: string, role: string, props: Record<string, unknown> = {}) {
  session.user = { username: role, role, display_name: role, department_id: role === 'department' ? 'tax' : null } as unknown as Me
  const i18n = createI18n({
    legacy: false, locale: 'zh-CN',
    messages: { 'zh-CN': { common: common.zh, reports: reports.zh, notices: notices.zh } },
  })
  const stub = { template: '<p>page</p>' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/notices', component: stub },
      { path: '/notices/new', component: stub },
      { path: '/notices/:id', component: stub },
      { path: '/reports/:id', component: stub },
      { path: '/appeals/:id', component: stub },
    ],
  })
  await router.push(path)
  await router.isReady()
  const wrapper = mount(component as never, { props: props as never, global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

type Form = { form: { report_id: string; title: string; text: string; corrects: string } }
const form = (w: VueWrapper) => (w.vm as unknown as { $: { setupState: Form } }).$.setupState.form

function errorsByLabel(w: VueWrapper): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of w.find('[data-testid=notice-form]').findAllComponents({ name: 'ElFormItem' })) {
    const error = item.props('error') as string | undefined
    if (error) out[item.props('label') as string] = error
  }
  return out
}

describe('notices', () => {
  beforeEach(() => {
    get.mockReset()
    post.mockReset()
    serve()
  })

  it('lists the notices for a department, marking what was corrected and what corrects', async () => {
    const { wrapper } = await setup(NoticesPage, '/notices', 'department')
    const table = wrapper.find('[data-testid=notices]')
    const first = table.find('[data-notice="N-1"]')
    expect(first.find('a[href="/notices/N-1"]').text()).toBe('关于2026年10月企业诉求办理情况的通报')
    expect(first.text()).toContain('已更正')
    expect(first.find('a[href="/notices/N-2"]').exists()).toBe(true)
    expect(first.text()).toContain('2026-11-02 09:00') // Beijing time
    expect(table.find('[data-notice="N-2"]').text()).toContain('更正通报')
    expect(table.find('[data-notice="N-0"]').text()).toContain('有效')
    expect(wrapper.find('[data-testid=publish-notice]').exists()).toBe(false)
  })

  it('shows a corrected notice with a banner to its correction, and the correction what it corrects', async () => {
    const { wrapper } = await setup(NoticePage, '/notices/N-1', 'department', { id: 'N-1' })
    const banner = wrapper.find('[data-testid=corrected-banner]')
    expect(banner.text()).toContain('已更正')
    expect(banner.find('a').attributes('href')).toBe('/notices/N-2')
    expect(wrapper.find('[data-testid=notice-text]').text()).toBe('10月,全县受理企业诉求 12 件。\n请各部门抓紧办理。')
    expect(wrapper.text()).toContain('周明(县作风效能办)')
    expect(wrapper.find('[data-testid=notice-items] [data-appeal="XQT-20261009-0002"]').text()).toContain('部门超期未办')
    expect(wrapper.find('[data-testid=notice-items]').text()).toContain('16')
    expect(wrapper.find('[data-testid=department-table] [data-department="tax"]').text()).toContain('80.0%')
    expect(wrapper.find('[data-dimension="commissioner"] [data-unit="c-designated"]').text()).toContain('顾晓燕')
    expect(wrapper.find('a[href="/reports/R-10"]').exists()).toBe(false) // departments read no reports
    expect(wrapper.find('[data-testid=correct-notice]').exists()).toBe(false)

    const second = await setup(NoticePage, '/notices/N-2', 'supervisor', { id: 'N-2' })
    const corrects = second.wrapper.find('[data-testid=corrects]')
    expect(corrects.find('a').attributes('href')).toBe('/notices/N-1')
    expect(corrects.text()).toContain('关于2026年10月企业诉求办理情况的通报')
    expect(second.wrapper.find('[data-testid=corrected-banner]').exists()).toBe(false)
    expect(second.wrapper.find('a[href="/reports/R-10"]').exists()).toBe(true)
    expect(second.wrapper.find('[data-testid=correct-notice]').attributes('href')).toBe('/notices/new?report=R-10&corrects=N-2')
  })

  it('prefills the title from the report, previews its items, and publishes', async () => {
    const { wrapper, router } = await setup(PublishNotice, '/notices/new?report=R-10', 'supervisor')
    expect(form(wrapper).report_id).toBe('R-10')
    expect(form(wrapper).title).toBe('关于2026年10月企业诉求办理情况的通报')
    const reportOptions = wrapper.findComponent('[data-field=report_id]').findAllComponents({ name: 'ElOption' })
    expect(reportOptions.map((o) => o.props('value'))).toEqual(['R-10', 'R-range']) // finished reports only
    const correctable = wrapper.findComponent('[data-field=corrects]').findAllComponents({ name: 'ElOption' })
    expect(correctable.map((o) => o.props('value'))).toEqual(['N-2', 'N-0']) // N-1 is corrected already
    const preview = wrapper.find('[data-testid=notice-preview]')
    expect(preview.find('[data-testid=preview-count]').text()).toBe('将列出 1 项超期及超期答复事项')
    expect(preview.find('[data-appeal="XQT-20261009-0002"] a').attributes('href')).toBe('/appeals/XQT-20261009-0002')

    await wrapper.find('[data-testid=notice-form]').trigger('submit')
    await flushPromises()
    expect(post).not.toHaveBeenCalled()
    expect(errorsByLabel(wrapper)).toEqual({ 通报内容: '必填' })

    form(wrapper).report_id = 'R-range'
    await flushPromises()
    expect(form(wrapper).title).toBe('关于2026年10月1日至2026年10月15日企业诉求办理情况的通报')
    expect(wrapper.find('[data-testid=preview-count]').text()).toBe('将列出 0 项超期及超期答复事项')
    const titleField = wrapper.find('[data-field=title]')
    const titleInput = titleField.element.tagName === 'INPUT' ? titleField : titleField.find('input')
    await titleInput.setValue('关于10月上半月的通报')
    form(wrapper).report_id = 'R-10'
    await flushPromises()
    expect(form(wrapper).title).toBe('关于10月上半月的通报') // edited: no longer follows the report

    form(wrapper).text = '  请各部门抓紧办理。 '
    form(wrapper).corrects = 'N-0'
    post.mockResolvedValueOnce(notice('N-3'))
    await wrapper.find('[data-testid=notice-form]').trigger('submit')
    await flushPromises()
    // it cannot be changed once out: the first press asks, naming it
    expect(post).not.toHaveBeenCalled()
    expect(wrapper.find('[data-testid=notice-confirm]').text()).toContain('“关于10月上半月的通报”发布后')
    await wrapper.find('[data-testid=notice-confirm-back]').trigger('click')
    expect(wrapper.find('[data-testid=notice-confirm]').exists()).toBe(false)
    await wrapper.find('[data-testid=notice-form]').trigger('submit')
    await flushPromises()
    await wrapper.find('[data-testid=notice-form]').trigger('submit')
    await flushPromises()
    expect(post).toHaveBeenCalledWith('/api/v1/notices', {
      body: { report_id: 'R-10', title: '关于10月上半月的通报', text: '请各部门抓紧办理。', corrects: 'N-0' },
    })
    expect(router.currentRoute.value.path).toBe('/notices/N-3')
  })

  it('shows why a notice was refused: at the field, or for a notice corrected meanwhile', async () => {
    const { wrapper } = await setup(PublishNotice, '/notices/new?report=R-10&corrects=N-2', 'supervisor')
    expect(form(wrapper).corrects).toBe('N-2')
    form(wrapper).text = '正文'
    post.mockRejectedValueOnce(new ApiError(400, { type: 'x', title: 't', status: 400, detail: 'd', code: 'validation_error',
      errors: [{ field: 'title', code: 'string_too_long', message: '不能超过 100 个字符' }] }))
    await wrapper.find('[data-testid=notice-form]').trigger('submit') // asks first
    await wrapper.find('[data-testid=notice-form]').trigger('submit')
    await flushPromises()
    expect(errorsByLabel(wrapper)).toEqual({ 标题: '不能超过 100 个字符' })

    get.mockClear()
    post.mockRejectedValueOnce(new ApiError(409, { type: 'x', title: '状态不允许', status: 409, detail: '该通报已被更正', code: 'invalid_transition' }))
    await wrapper.find('[data-testid=notice-form]').trigger('submit')
    await wrapper.find('[data-testid=notice-form]').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-testid=notice-error]').text()).toContain('该通报已被更正')
    expect(get.mock.calls.some(([p]) => p === '/api/v1/notices')).toBe(true) // the choices are read again
  })
})
