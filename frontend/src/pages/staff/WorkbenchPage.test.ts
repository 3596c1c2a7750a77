import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { i18n } from '@/i18n'

const get = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./WorkbenchPage.vue')).default
enableAutoUnmount(afterEach)

async function open(path: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/workbench', component: Page },
      { path: '/appeals/:id', component: { template: '<p>detail</p>' } },
    ],
  })
  await router.push(path)
  await router.isReady()
  const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [router, i18n, ElementPlus] } })
  await flushPromises()
  return { wrapper, router }
}

const queries = () => get.mock.calls.map(([, options]) => (options as { params: { query: Record<string, unknown> } }).params.query)

describe('the workbench opened from a home counter', () => {
  beforeEach(() => {
    get.mockReset()
    get.mockResolvedValue({ items: [], next_cursor: null })
  })

  it('今日到期 (?due=today) asks for the queue due by tonight, as the counter counts', async () => {
    const { wrapper } = await open('/workbench?due=today')
    expect(queries()).toEqual([{ scope: 'queue', limit: 20, due: 'today' }])
    expect(wrapper.find('[data-testid="due-today-only"]').text()).toContain('今日到期')
  })

  it('逾期 (?overdue=true) asks for the overdue queue', async () => {
    const { wrapper } = await open('/workbench?overdue=true')
    expect(queries()).toEqual([{ scope: 'queue', limit: 20, overdue: true }])
    expect(wrapper.find('[data-testid="overdue-only"]').exists()).toBe(true)
  })

  it('显示全部 drops the filter and reads the whole queue', async () => {
    const { wrapper, router } = await open('/workbench?due=today')
    await wrapper.find('[data-testid="due-today-only"] button').trigger('click')
    await flushPromises()
    expect(queries().at(-1)).toEqual({ scope: 'queue', limit: 20 })
    expect(router.currentRoute.value.query).toEqual({})
    expect(wrapper.find('[data-testid="due-today-only"]').exists()).toBe(false)
  })
})
