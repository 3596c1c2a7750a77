import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { Me } from '@/api/client'
import { session } from '@/auth/session'
import common from '@/i18n/messages/common'
import meetings from '@/i18n/messages/meetings'
import units from '@/i18n/messages/units'

const get = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./LedgerPage.vue')).default

function sup(over: Record<string, unknown>) {
  return {
    status: 'open', due_at: '2026-12-11T23:59:59+08:00', departments: [{ id: 'finance', name: '财政局', due_at: null }],
    note: null, source: 'manual', started_at: '2026-11-01T09:00:00+08:00', report: null, reported_at: null,
    accepted_at: null, overdue_for: null, ...over,
  }
}
const ITEMS = [
  { id: 'XQT-1', title: '用地指标', supervision: sup({ source: 'meeting:2026-11' }) },
  { id: 'XQT-2', title: '融资难', supervision: sup({ due_at: '2026-11-20T23:59:59+08:00' }),
    last_progress: { content: '已约银行面谈', at: '2026-11-26T15:30:00+08:00' } },
  // an open part of the unit's, not supervised
  { id: 'XQT-4', title: '道路接入', supervision: null, last_progress: null,
    departments: [{ id: 'finance', name: '财政局', status: 'open', due_at: '2026-12-02T23:59:59+08:00' }] },
  { id: 'XQT-3', title: '招工难', supervision: sup({ status: 'reported', report: '已完成招聘会', reported_at: '2026-11-25T10:00:00+08:00',
    due_at: '2026-11-20T23:59:59+08:00', overdue_for: '2026-11-20T23:59:59+08:00' }) },
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

describe('LedgerPage', () => {
  beforeEach(() => {
    get.mockReset()
    get.mockImplementation(async (path: string, opts: { params?: { path?: { department_id?: string }; query?: { cursor?: string } } }) => {
      if (path === '/api/v1/health') return { now: '2026-11-27T10:00:00+08:00' }
      if (path === '/api/v1/departments/{department_id}') return { id: 'finance', name: '财政局', active: true }
      if (path === '/api/v1/departments') return { items: [{ id: 'finance', name: '财政局', active: true }, { id: 'tax', name: '税务局', active: false }], next_cursor: null }
      if (path === '/api/v1/departments/{department_id}/ledger') {
        if (opts.params?.query?.cursor) return { items: [{ id: 'XQT-9', title: '第二页', supervision: sup({ status: 'accepted', accepted_at: '2026-11-26T10:00:00+08:00' }) }], next_cursor: null }
        return { items: ITEMS, next_cursor: 'next' }
      }
      throw new Error(path)
    })
  })

  it('shows a department its own ledger, overdue marked, and loads more', async () => {
    const { wrapper } = await setup({ username: 'dept', role: 'department', department_id: 'finance' })
    const ledgerCall = get.mock.calls.find(([p]) => p === '/api/v1/departments/{department_id}/ledger')
    expect(ledgerCall?.[1].params.path.department_id).toBe('finance')
    expect(wrapper.find('[data-testid=ledger-department]').exists()).toBe(false)
    const table = wrapper.find('[data-testid=ledger-table]')
    expect(table.attributes('aria-label')).toBe('财政局的推进台账')
    const first = table.find('[data-appeal="XQT-1"]')
    expect(first.find('a').attributes('href')).toBe('/appeals/XQT-1')
    expect(first.text()).toContain('办理中')
    expect(first.text()).toContain('会办 2026年11月')
    expect(first.find('a[href="/admin/meetings?month=2026-11"]').exists()).toBe(false)
    expect(first.classes()).not.toContain('overdue')
    const late = table.find('[data-appeal="XQT-2"]')
    expect(late.classes()).toContain('overdue')
    expect(late.text()).toContain('已逾期')
    expect(late.text()).toContain('督办')
    expect(late.find('[data-testid=ledger-progress]').text()).toBe('已约银行面谈2026-11-26 15:30')
    const part = table.find('[data-appeal="XQT-4"]')
    expect(part.text()).toContain('办理中')
    expect(part.find('time').attributes('datetime')).toBe('2026-12-02T23:59:59+08:00')
    expect(part.find('[data-testid=ledger-progress]').text()).toBe('尚未填报')
    const reported = table.find('[data-appeal="XQT-3"]')
    expect(reported.text()).toContain('已报告办结')
    expect(reported.text()).toContain('已完成招聘会')
    expect(reported.text()).toContain('曾逾期')
    expect(reported.classes()).not.toContain('overdue')
    await wrapper.find('[data-testid=load-more]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-appeal="XQT-9"]').text()).toContain('已验收')
    expect(wrapper.find('[data-testid=load-more]').exists()).toBe(false)
  })

  it('lets a supervisor choose a department', async () => {
    const { wrapper, router } = await setup({ username: 'sup', role: 'supervisor', department_id: null })
    expect(get.mock.calls.some(([p]) => p === '/api/v1/departments/{department_id}/ledger')).toBe(false)
    expect(wrapper.text()).toContain('请选择要查看的部门')
    const select = wrapper.findAllComponents({ name: 'ElSelect' })[0]
    select.vm.$emit('update:modelValue', 'finance')
    await flushPromises()
    expect(router.currentRoute.value.query.department).toBe('finance')
    expect(wrapper.find('[data-appeal="XQT-1"] a[href="/admin/meetings?month=2026-11"]').exists()).toBe(true)
  })
})
