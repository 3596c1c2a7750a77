import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { Me } from '@/api/client'
import { ApiError } from '@/api/problem'
import { session } from '@/auth/session'
import common from '@/i18n/messages/common'
import reports from '@/i18n/messages/reports'

const get = vi.fn()
const post = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a), POST: (...a: unknown[]) => post(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./ReportsPage.vue')).default

const LINKS = {
  xlsx: 'http://127.0.0.1:9000/reports/R-new/a.xlsx?X-Amz-Signature=1',
  csv: 'http://127.0.0.1:9000/reports/R-new/a.csv?X-Amz-Signature=2',
  json: 'http://127.0.0.1:9000/reports/R-new/a.json?X-Amz-Signature=3',
}
const NO_LINKS = { xlsx: null, csv: null, json: null }

function report(id: string, over: Record<string, unknown> = {}) {
  return {
    id, status: 'queued', progress: 0, period: { from: '2026-10-01', to: '2026-10-31', month: '2026-10' },
    trigger: 'manual', requested_by: { username: 'supervisor', role: 'supervisor', display_name: '周明(县作风效能办)' },
    requested_at: '2026-11-27T10:00:00+08:00', started_at: null, finished_at: null, error: null, items_read: null,
    downloads: NO_LINKS, summary: null, ...over,
  }
}

const HISTORY = [
  report('R-sched', { status: 'done', progress: 100, trigger: 'scheduled', requested_by: null,
    requested_at: '2026-10-31T16:05:00Z', items_read: 1234 }),
  report('R-failed', { status: 'failed', progress: 30, error: 'S3 不可用', period: { from: '2026-09-01', to: '2026-09-15', month: null } }),
]

/** The answers GET /reports/{id} gives, in order, per report (the last one repeats). */
let answers: Record<string, Record<string, unknown>[]> = {}
const reads = (id: string) => get.mock.calls.filter(([p, o]) => p === '/api/v1/reports/{report_id}' && o.params.path.report_id === id).length

function serve(history: unknown[] = HISTORY) {
  get.mockImplementation(async (path: string, opts: { params?: { path?: { report_id?: string } } }) => {
    if (path === '/api/v1/health') return { status: 'ok', stage: 'local', now: '2026-11-27T10:00:00+08:00' }
    if (path === '/api/v1/reports') return { items: history, next_cursor: null }
    if (path === '/api/v1/reports/{report_id}') {
      const queue = answers[opts.params?.path?.report_id ?? '']
      if (!queue) throw new Error('unknown report')
      return queue.length > 1 ? queue.shift() : queue[0]
    }
    throw new Error(path)
  })
}

async function setup() {
  session.user = { username: 'supervisor', role: 'supervisor', display_name: '周明', department_id: null } as unknown as Me
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { common: common.zh, reports: reports.zh } } })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/reports', component: Page },
      { path: '/reports/:id', component: { template: '<p>dashboard</p>' } },
    ],
  })
  await router.push('/reports')
  await router.isReady()
  const wrapper = mount(Page, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

type State = { form: { mode: string; month: string; from: string; to: string } }
const state = (w: VueWrapper) => (w.vm as unknown as { $: { setupState: State } }).$.setupState

function errorsByLabel(w: VueWrapper): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of w.find('[data-testid=report-form]').findAllComponents({ name: 'ElFormItem' })) {
    const error = item.props('error') as string | undefined
    if (error) out[item.props('label') as string] = error
  }
  return out
}

async function tick(ms = 1000) {
  await vi.advanceTimersByTimeAsync(ms)
  await flushPromises()
}

describe('ReportsPage', () => {
  let wrapper: VueWrapper | null = null

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    get.mockReset()
    post.mockReset()
    answers = {}
    serve()
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
    vi.useRealTimers()
  })

  it('starts last month’s report, follows its progress every second and stops when it is done', async () => {
    wrapper = await setup()
    expect(state(wrapper).form.month).toBe('2026-10') // the business clock says November
    answers['R-new'] = [
      report('R-new'),
      report('R-new', { status: 'running', progress: 40, items_read: 12 }),
      report('R-new', { status: 'running', progress: 80, items_read: 30 }),
      report('R-new', { status: 'done', progress: 100, items_read: 41, downloads: LINKS }),
    ]
    post.mockResolvedValueOnce({ id: 'R-new', status: 'queued' })
    await wrapper.find('[data-testid=report-form]').trigger('submit')
    await flushPromises()
    expect(post).toHaveBeenCalledWith('/api/v1/reports', { body: { month: '2026-10' } })
    const panel = () => wrapper!.find('[data-testid=report-progress]')
    expect(panel().attributes('data-status')).toBe('queued')
    expect(panel().text()).toContain('2026年10月 报告生成进度')
    expect(wrapper.find('[data-testid=report-history] [data-report="R-new"]').exists()).toBe(true)

    await tick()
    expect(panel().attributes('data-status')).toBe('running')
    expect(panel().find('[role=progressbar]').attributes('aria-valuenow')).toBe('40')
    expect(panel().text()).toContain('已读取 12 条记录')
    await tick()
    expect(panel().find('[role=progressbar]').attributes('aria-valuenow')).toBe('80')
    await tick()
    expect(panel().attributes('data-status')).toBe('done')
    const links = panel().findAll('[data-testid=downloads] a')
    expect(links.map((a) => [a.attributes('data-format'), a.attributes('href'), a.text()])).toEqual([
      ['xlsx', LINKS.xlsx, 'Excel 工作簿'],
      ['csv', LINKS.csv, 'CSV 表格'],
      ['json', LINKS.json, 'JSON 数据'],
    ])
    expect(panel().find('[data-testid=dashboard-link]').attributes('href')).toBe('/reports/R-new')
    expect(wrapper.find('[data-report="R-new"][data-status="done"] [data-testid=downloads]').exists()).toBe(true)

    const asked = reads('R-new')
    expect(asked).toBe(4)
    await tick(10_000)
    expect(reads('R-new')).toBe(asked) // done: no more polling
  })

  it('stops polling when the page is left', async () => {
    wrapper = await setup()
    answers['R-slow'] = [report('R-slow', { status: 'running', progress: 10 })]
    post.mockResolvedValueOnce({ id: 'R-slow', status: 'queued' })
    await wrapper.find('[data-testid=report-form]').trigger('submit')
    await flushPromises()
    await tick()
    await tick()
    const asked = reads('R-slow')
    expect(asked).toBe(3)
    wrapper.unmount()
    wrapper = null
    await tick(5000)
    expect(reads('R-slow')).toBe(asked)
  })

  it('follows reports already running in the history (the monthly run) until they fail', async () => {
    serve([report('R-auto', { status: 'running', progress: 50, trigger: 'scheduled', requested_by: null }), ...HISTORY])
    answers['R-auto'] = [report('R-auto', { status: 'failed', progress: 60, error: '超时', trigger: 'scheduled', requested_by: null })]
    wrapper = await setup()
    expect(wrapper.find('[data-report="R-auto"]').text()).toContain('50%')
    await tick()
    const row = wrapper.find('[data-report="R-auto"]')
    expect(row.attributes('data-status')).toBe('failed')
    expect(row.text()).toContain('超时')
    await tick(5000)
    expect(reads('R-auto')).toBe(1)
  })

  it('shows the history: trigger, who, Beijing time, status, items read; fresh links on demand', async () => {
    wrapper = await setup()
    const row = wrapper.find('[data-report="R-sched"]')
    const cells = row.findAll('th, td').map((c) => c.text())
    expect(cells.slice(0, 6)).toEqual(['2026年10月', '每月自动', '系统', '2026-11-01 00:05', '已完成', '1234'])
    expect(row.find('a[href="/reports/R-sched"]').exists()).toBe(true)
    expect(row.find('[data-testid=downloads]').exists()).toBe(false) // links are fetched when wanted
    const failed = wrapper.find('[data-report="R-failed"]')
    expect(failed.text()).toContain('2026年9月1日至2026年9月15日')
    expect(failed.text()).toContain('S3 不可用')
    expect(failed.find('[data-testid=get-downloads]').exists()).toBe(false)

    answers['R-sched'] = [report('R-sched', { status: 'done', progress: 100, downloads: LINKS })]
    await row.find('[data-testid=get-downloads]').trigger('click')
    await flushPromises()
    expect(row.findAll('[data-testid=downloads] a').map((a) => a.attributes('href'))).toEqual([LINKS.xlsx, LINKS.csv, LINKS.json])
    expect(row.text()).toContain('链接 5 分钟内有效')
    await tick(270_000) // gone before S3 refuses them
    expect(row.find('[data-testid=downloads]').exists()).toBe(false)
    expect(row.text()).toContain('下载链接已过期')
  })

  it('checks the form, and shows the API’s refusals at their field in the reader’s words', async () => {
    wrapper = await setup()
    const radios = wrapper.findComponent({ name: 'ElRadioGroup' })
    radios.vm.$emit('update:modelValue', 'range')
    await flushPromises()
    await wrapper.find('[data-testid=report-form]').trigger('submit')
    await flushPromises()
    expect(post).not.toHaveBeenCalled()
    expect(errorsByLabel(wrapper)).toEqual({ 开始日期: '必填', '结束日期（含）': '必填' })

    Object.assign(state(wrapper).form, { from: '2026-10-20', to: '2026-10-01' })
    post.mockRejectedValueOnce(new ApiError(400, { type: 'x', title: '请求参数有误', status: 400, detail: 'to: 取值无效', code: 'validation_error',
      errors: [{ field: 'to', code: 'range_reversed', message: '取值无效' }] }))
    await wrapper.find('[data-testid=report-form]').trigger('submit')
    await flushPromises()
    expect(post).toHaveBeenCalledWith('/api/v1/reports', { body: { from: '2026-10-20', to: '2026-10-01' } })
    expect(errorsByLabel(wrapper)).toEqual({ '结束日期（含）': '结束日期不能早于开始日期' })

    post.mockRejectedValueOnce(new ApiError(400, { type: 'x', title: 't', status: 400, detail: 'd', code: 'validation_error',
      errors: [{ field: 'to', code: 'range_too_long', message: '取值无效' }, { field: 'from', code: 'something_new', message: '服务器的说明' }] }))
    await wrapper.find('[data-testid=report-form]').trigger('submit')
    await flushPromises()
    expect(errorsByLabel(wrapper)).toEqual({ 开始日期: '服务器的说明', '结束日期（含）': '统计期间最长 366 天' })

    radios.vm.$emit('update:modelValue', 'month')
    await flushPromises()
    post.mockRejectedValueOnce(new ApiError(400, { type: 'x', title: 't', status: 400, detail: 'd', code: 'validation_error',
      errors: [{ field: 'month', code: 'period_in_future', message: '取值无效' }] }))
    await wrapper.find('[data-testid=report-form]').trigger('submit')
    await flushPromises()
    expect(errorsByLabel(wrapper)).toEqual({ 月份: '统计期间不能从未来开始' })

    post.mockRejectedValueOnce(new ApiError(403, { type: 'x', title: '无权', status: 403, detail: '无权执行此操作', code: 'forbidden' }))
    await wrapper.find('[data-testid=report-form]').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-testid=report-form] .el-alert').text()).toContain('无权执行此操作')
    expect(wrapper.find('[data-testid=report-progress]').exists()).toBe(false)
  })
})
