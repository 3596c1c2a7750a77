import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'

import common from '@/i18n/messages/common'

const get = vi.fn()
const post = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a), POST: (...a: unknown[]) => post(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./InboxPage.vue')).default

function note(id: string, kind: string, over: Record<string, unknown> = {}) {
  return { id, audience: 'department:tax', kind, appeal_id: '', title: '关于2026年10月企业诉求办理情况的通报', month: null,
    notice_id: null, at: '2026-11-02T01:00:08Z', by: null, read: false, ...over }
}
const ITEMS = [
  note('n1', 'notice_published', { notice_id: 'N-1' }),
  note('n2', 'notice_corrected', { notice_id: 'N-2', read: true }),
  note('n3', 'meeting_missed', { title: '10月未召开集中会办', month: '2026-10', read: true }),
  note('n4', 'transfer', { appeal_id: 'XQT-20261009-0002', title: '流动资金贷款', read: true }),
  note('n5', 'policy_matched', { title: '如东县支持规上工业企业技术改造的若干政策', policy_id: 'P-20261102-a1b2c3', read: true }),
  note('n6', 'application_rejected', {
    title: '年产 2 万台数控机床智能化改造项目',
    application_id: 'SB-20261127-3fa9c1',
    policy_id: 'P-20261102-a1b2c3',
    read: true,
  }),
]

async function setup() {
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { common: common.zh } } })
  const stub = { template: '<p>page</p>' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/inbox', component: Page },
      { path: '/notices/:id', component: stub },
      { path: '/admin/meetings', component: stub },
      { path: '/appeals/:id', component: stub },
      { path: '/policies/:id', component: stub },
      { path: '/applications/:id', component: stub },
    ],
  })
  await router.push('/inbox')
  await router.isReady()
  const wrapper = mount(Page, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

describe('InboxPage', () => {
  beforeEach(() => {
    get.mockReset()
    post.mockReset()
    get.mockResolvedValue({ items: ITEMS, next_cursor: null, unread: 1 })
    post.mockResolvedValue({ unread: 0 })
  })

  it('words a notice as published or corrected, in Beijing time', async () => {
    const { wrapper } = await setup()
    const first = wrapper.find('[data-notification="n1"]')
    expect(first.text()).toContain('发布通报')
    expect(first.text()).toContain('关于2026年10月企业诉求办理情况的通报')
    expect(first.text()).toContain('2026-11-02 09:00')
    expect(wrapper.find('[data-notification="n2"]').text()).toContain('更正通报')
    const policy = wrapper.find('[data-notification="n5"]').text()
    expect(policy).toContain('新政策适用于您')
    expect(policy).toContain('如东县支持规上工业企业技术改造的若干政策')
    expect(wrapper.find('[data-notification="n6"]').text()).toContain('项目申报被驳回')
    expect(wrapper.find('[data-notification="n6"]').text()).toContain('SB-20261127-3fa9c1')
  })

  it.each([
    ['n1', '/notices/N-1'],
    ['n2', '/notices/N-2'],
    ['n3', '/admin/meetings?month=2026-10'],
    ['n4', '/appeals/XQT-20261009-0002'],
    ['n5', '/policies/P-20261102-a1b2c3'],
    ['n6', '/applications/SB-20261127-3fa9c1'],
  ])('opens %s at %s', async (id, target) => {
    const { wrapper, router } = await setup()
    await wrapper.find(`[data-notification="${id}"] button`).trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe(target)
    expect(post.mock.calls.length).toBe(id === 'n1' ? 1 : 0) // an unread one is marked read first
  })
})
