import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { Me } from '@/api/client'
import { ApiError } from '@/api/problem'
import { session } from '@/auth/session'
import common from '@/i18n/messages/common'
import meetings from '@/i18n/messages/meetings'
import units from '@/i18n/messages/units'

const get = vi.fn()
const post = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a), POST: (...a: unknown[]) => post(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./LedgerPage.vue')).default
enableAutoUnmount(afterEach)

function sup(over: Record<string, unknown>) {
  return {
    status: 'open', due_at: '2026-12-11T23:59:59+08:00', departments: [{ id: 'finance', name: '财政局', due_at: null }],
    note: null, source: 'manual', started_at: '2026-11-01T09:00:00+08:00', report: null, reported_at: null,
    accepted_at: null, overdue_for: null, ...over,
  }
}
function state(over: Record<string, unknown>) {
  return { kind: 'supervised', status: 'open', due_at: '2026-12-11T23:59:59+08:00', assigned_at: '2026-11-01T09:00:00+08:00', ...over }
}
const ITEMS = [
  { id: 'XQT-1', title: '用地指标', supervision: sup({ source: 'meeting:2026-11' }), ledger: state({}) },
  { id: 'XQT-2', title: '融资难', supervision: sup({ due_at: '2026-11-20T23:59:59+08:00' }),
    ledger: state({ status: 'overdue', due_at: '2026-11-20T23:59:59+08:00' }),
    last_progress: { content: '已约银行面谈', at: '2026-11-26T07:30:00Z' } },
  // an open part of the unit's, not supervised, due today
  { id: 'XQT-4', title: '道路接入', supervision: null, last_progress: null,
    ledger: state({ kind: 'part', status: 'due_today', due_at: '2026-11-27T23:59:59+08:00', assigned_at: '2026-11-24T10:00:00+08:00' }),
    departments: [{ id: 'finance', name: '财政局', status: 'open', due_at: '2026-11-27T23:59:59+08:00' }] },
  { id: 'XQT-3', title: '招工难', ledger: state({ status: 'replied', due_at: '2026-11-20T23:59:59+08:00' }),
    supervision: sup({ status: 'reported', report: '已完成招聘会', reported_at: '2026-11-25T10:00:00+08:00',
      due_at: '2026-11-20T23:59:59+08:00', overdue_for: '2026-11-20T23:59:59+08:00' }) },
]
const TIMELINE = [
  { type: 'transfer', at: '2026-11-24T10:00:00+08:00', version: 3, actor: { username: 'c', role: 'commissioner', display_name: '王专员' },
    departments: [{ id: 'finance', name: '财政局', due_at: null }], content: null },
  { type: 'department_reply', at: '2026-11-25T10:00:00+08:00', version: 4, actor: null,
    department: { id: 'tax', name: '税务局', due_at: null }, content: '税务局的答复' },
  { type: 'progress', at: '2026-11-26T02:00:00Z', version: 5, actor: { username: 'dept', role: 'department', display_name: '李科长' },
    department: { id: 'finance', name: '财政局', due_at: null }, content: '已与施工方现场对接' },
]

async function setup(user: Record<string, unknown>, path = '/department/ledger') {
  session.user = user as unknown as Me
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { common: common.zh, meetings: meetings.zh, units: units.zh } } })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/department/ledger', component: Page },
      { path: '/appeals/:id', component: { template: '<p>detail</p>' } },
      { path: '/admin/meetings', component: { template: '<p>meetings</p>' } },
    ],
  })
  await router.push(path)
  await router.isReady()
  const wrapper = mount(Page, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

type Opts = { params?: { path?: Record<string, string>; query?: Record<string, unknown> }; body?: Record<string, unknown> }
const ledgerCalls = () => get.mock.calls.filter(([p]) => p === '/api/v1/departments/{department_id}/ledger').map(([, o]) => o as Opts)

describe('LedgerPage', { timeout: 30_000 }, () => {
  beforeEach(() => {
    get.mockReset()
    post.mockReset()
    get.mockImplementation(async (path: string, opts: Opts) => {
      if (path === '/api/v1/departments/{department_id}') return { id: 'finance', name: '财政局', active: true }
      if (path === '/api/v1/departments') return { items: [{ id: 'finance', name: '财政局', active: true }, { id: 'tax', name: '税务局', active: false }], next_cursor: null }
      if (path === '/api/v1/departments/{department_id}/ledger') {
        if (opts.params?.query?.cursor) return { items: [{ id: 'XQT-9', title: '第二页', ledger: state({ status: 'accepted' }), supervision: sup({ status: 'accepted', accepted_at: '2026-11-26T10:00:00+08:00' }) }], next_cursor: null, total: 5 }
        return { items: ITEMS, next_cursor: 'next', total: 5 }
      }
      if (path === '/api/v1/appeals/{appeal_id}') return { id: opts.params?.path?.appeal_id, version: 5, timeline: TIMELINE }
      if (path === '/api/v1/departments/{department_id}/ledger-exports/{export_id}') {
        return { id: 'J-1', status: 'done', download: { url: 'http://files.example/ledger.xlsx', expires_at: '2026-11-27T10:05:00+08:00' } }
      }
      throw new Error(path)
    })
  })

  it('shows a unit its own ledger with kind, status, deadline, progress and the count', async () => {
    const { wrapper } = await setup({ username: 'dept', role: 'department', department_id: 'finance' })
    expect(ledgerCalls()[0].params?.path?.department_id).toBe('finance')
    expect(wrapper.find('[data-testid=ledger-department]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=ledger-total]').text()).toBe('共 5 条')
    const table = wrapper.find('[data-testid=ledger-table]')
    expect(table.attributes('aria-label')).toBe('财政局的推进台账')
    const first = table.find('[data-appeal="XQT-1"]')
    expect(first.find('a').attributes('href')).toBe('/appeals/XQT-1')
    expect(first.text()).toContain('督办')
    expect(first.find('[data-testid=ledger-status]').text()).toBe('办理中')
    expect(first.text()).toContain('会办 2026年11月')
    expect(first.find('a[href="/admin/meetings?month=2026-11"]').exists()).toBe(false)
    const late = table.find('[data-appeal="XQT-2"]')
    expect(late.classes()).toContain('overdue')
    expect(late.find('[data-testid=ledger-status]').text()).toBe('已逾期')
    // Beijing time whatever the offset the API wrote
    expect(late.find('[data-testid=ledger-progress]').text()).toBe('已约银行面谈2026-11-26 15:30')
    const part = table.find('[data-appeal="XQT-4"]')
    expect(part.text()).toContain('转办')
    expect(part.find('[data-testid=ledger-status]').text()).toBe('今日到期')
    expect(part.find('time').attributes('datetime')).toBe('2026-11-27T23:59:59+08:00')
    expect(part.text()).toContain('2026-11-24')
    expect(part.find('[data-testid=ledger-progress]').text()).toBe('尚未填报')
    const reported = table.find('[data-appeal="XQT-3"]')
    expect(reported.find('[data-testid=ledger-status]').text()).toBe('已答复')
    expect(reported.text()).toContain('曾逾期')
    await wrapper.find('[data-testid=load-more]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-appeal="XQT-9"]').text()).toContain('已验收')
    expect(wrapper.find('[data-testid=load-more]').exists()).toBe(false)
  })

  // one mount each: the page with Element Plus mounts slowly on a loaded machine
  it.each([
    ['/department/ledger?status=due_today', { status: 'due_today' }],
    ['/department/ledger?overdue=true&kind=part', { kind: 'part', overdue: true }],
    ['/department/ledger?status=nonsense', {}],
    // the stage the 待签收, 办理中 and 督办 counters count
    ['/department/ledger?kind=part&signed=true', { kind: 'part', signed: true }],
    ['/department/ledger?kind=part&signed=false', { kind: 'part', signed: false }],
    ['/department/ledger?kind=supervised&accepted=false', { kind: 'supervised', accepted: false }],
  ])('opens %s filtered as a home counter links it', async (path, query) => {
    const { wrapper } = await setup({ username: 'dept', role: 'department', department_id: 'finance' }, path)
    expect(ledgerCalls()[0]?.params?.query).toEqual({ limit: 20, ...query })
    expect(wrapper.find('[data-testid=accepted-window]').text()).toContain('近 90 天')
  })

  it('sends the filters to the server and starts again from the first page', async () => {
    const { wrapper } = await setup({ username: 'dept', role: 'department', department_id: 'finance' })
    const selects = wrapper.findAllComponents({ name: 'ElSelect' })
    selects[0].vm.$emit('update:modelValue', 'part')
    selects[1].vm.$emit('update:modelValue', 'overdue')
    selects[2].vm.$emit('update:modelValue', 'land')
    wrapper.findComponent({ name: 'ElDatePicker' }).vm.$emit('update:modelValue', ['2026-11-01', '2026-11-30'])
    await wrapper.find('[data-testid=filter-overdue] input').setValue(true)
    await wrapper.find('[data-testid=ledger-filters]').trigger('submit')
    await flushPromises()
    expect(ledgerCalls().at(-1)?.params?.query).toEqual({
      limit: 20, kind: 'part', status: 'overdue', category: 'land', overdue: true,
      assigned_from: '2026-11-01', assigned_to: '2026-11-30',
    })
    await wrapper.find('[data-testid=filter-reset]').trigger('click')
    await flushPromises()
    expect(ledgerCalls().at(-1)?.params?.query).toEqual({ limit: 20 })
  })

  it("expands a row into the unit's history and notes progress from it", async () => {
    post.mockResolvedValue({ id: 'XQT-4', version: 6, unit_progress: { finance: { content: '已完成管线迁改', at: '2026-11-27T03:00:00Z' } } })
    const { wrapper } = await setup({ username: 'dept', role: 'department', department_id: 'finance' })
    const row = () => wrapper.find('[data-appeal="XQT-4"]')
    await row().find('[data-testid=ledger-expand]').trigger('click')
    await flushPromises()
    const history = wrapper.find('[data-testid=ledger-history]')
    const entries = history.findAll('li')
    // newest first; another unit's reply is not this unit's history
    expect(entries.map((e) => e.attributes('data-type'))).toEqual(['progress', 'transfer'])
    expect(entries[0].text()).toContain('2026-11-26 10:00')
    expect(entries[0].text()).toContain('已与施工方现场对接')
    expect(entries[0].text()).toContain('李科长')
    expect(history.text()).not.toContain('税务局的答复')
    await history.find('textarea').setValue('已完成管线迁改')
    await history.find('form').trigger('submit')
    await flushPromises()
    expect(post).toHaveBeenCalledWith('/api/v1/appeals/{appeal_id}/events', {
      params: { path: { appeal_id: 'XQT-4' } },
      body: { type: 'progress', version: 5, content: '已完成管线迁改' },
    })
    expect(row().find('[data-testid=ledger-progress]').text()).toBe('已完成管线迁改2026-11-27 11:00')
  })

  it('a note on a stale version reads the row again, saying why, and keeps the note; another refusal is said', async () => {
    const { wrapper } = await setup({ username: 'dept', role: 'department', department_id: 'finance' })
    const reads = () => get.mock.calls.filter(([p]) => p === '/api/v1/appeals/{appeal_id}').length
    await wrapper.find('[data-appeal="XQT-4"] [data-testid=ledger-expand]').trigger('click')
    await flushPromises()
    expect(reads()).toBe(1)
    const history = () => wrapper.find('[data-testid=ledger-history]')
    await history().find('textarea').setValue('已完成管线迁改')
    post.mockRejectedValueOnce(new ApiError(409, { type: 'x', title: '冲突', status: 409, detail: '版本冲突', code: 'version_conflict' }))
    await history().find('form').trigger('submit')
    await flushPromises()
    expect(reads()).toBe(2)
    expect(document.querySelector('.el-message--warning')?.textContent).toContain(units.zh.ledger.conflict)
    expect((history().find('textarea').element as HTMLTextAreaElement).value).toBe('已完成管线迁改')

    post.mockRejectedValueOnce(new ApiError(403, { type: 'x', title: '无权', status: 403, detail: '无权执行此操作', code: 'forbidden' }))
    await history().find('form').trigger('submit')
    await flushPromises()
    expect(reads()).toBe(2)
    expect(document.querySelector('.el-message--error')?.textContent).toContain('无权执行此操作')
    expect(wrapper.find('[data-appeal="XQT-4"] [data-testid=ledger-progress]').text()).toBe('尚未填报')
  })

  it('exports the filtered ledger as a job and downloads its link', async () => {
    post.mockResolvedValue({ id: 'J-1', status: 'queued', download: null })
    const clicked: string[] = []
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.href)
    })
    const { wrapper } = await setup({ username: 'dept', role: 'department', department_id: 'finance' })
    await wrapper.find('[data-testid=ledger-export]').trigger('click')
    await flushPromises()
    expect(post).toHaveBeenCalledWith('/api/v1/departments/{department_id}/ledger-exports', {
      params: { path: { department_id: 'finance' } },
      body: {},
    })
    expect(clicked).toEqual(['http://files.example/ledger.xlsx'])
    click.mockRestore()
  })

  it('lets a supervisor choose a unit, read its history, and not note progress', async () => {
    const { wrapper, router } = await setup({ username: 'sup', role: 'supervisor', department_id: null })
    expect(ledgerCalls()).toHaveLength(0)
    expect(wrapper.text()).toContain('请选择要查看的部门')
    const select = wrapper.findAllComponents({ name: 'ElSelect' })[0]
    select.vm.$emit('update:modelValue', 'finance')
    await flushPromises()
    expect(router.currentRoute.value.query.department).toBe('finance')
    expect(wrapper.find('[data-appeal="XQT-1"] a[href="/admin/meetings?month=2026-11"]').exists()).toBe(true)
    await wrapper.find('[data-appeal="XQT-1"] [data-testid=ledger-expand]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid=ledger-history]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=ledger-progress-input]').exists()).toBe(false)
  })
})
