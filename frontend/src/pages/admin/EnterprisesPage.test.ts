import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { Me } from '@/api/client'
import { ApiError } from '@/api/problem'
import { session } from '@/auth/session'
import admin from '@/i18n/messages/admin'
import common from '@/i18n/messages/common'

const get = vi.fn()
const patch = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a), POST: vi.fn(), PATCH: (...a: unknown[]) => patch(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
vi.mock('@/components/policies/EnterprisePoliciesLazy.vue', () => ({ default: { template: '<div />' } }))
const Page = (await import('./EnterprisesPage.vue')).default

function enterprise(n: number) {
  return {
    uscc: `91320623MA1X${String(n).padStart(5, '0')}X`,
    name: `企业${n}`,
    short_names: [],
    size_class: 'small_micro',
    industry: 'industry',
    town: '马塘镇',
    flags: { key_tech: n % 2 === 0, major_project: false },
    contacts: [],
    commissioner_id: null,
    version: 1,
    created_at: '2026-12-01T09:00:00+08:00',
    updated_at: '2026-12-03T09:00:00+08:00',
  }
}

type Query = Record<string, unknown>
const asked: Query[] = []
function serve(total: number) {
  get.mockImplementation(async (path: string, opts?: { params?: { query?: Query } }) => {
    if (path === '/api/v1/commissioners') {
      return { items: [{ id: 'zhang', name: '张专员', active: true, coverage: { size_classes: [], industries: [] } }], next_cursor: null }
    }
    if (path === '/api/v1/enterprises/{uscc}') return { ...enterprise(1), name: '企业1（更名）', version: 2 }
    if (path === '/api/v1/enterprises') {
      const query = opts?.params?.query ?? {}
      asked.push(query)
      const size = Number(query.limit)
      const start = (Number(query.page) - 1) * size
      const items = Array.from({ length: Math.max(0, Math.min(size, total - start)) }, (_, i) => enterprise(start + i + 1))
      return { items, next_cursor: start + size < total ? 'x' : null, total }
    }
    throw new Error(path)
  })
}

async function setup(start = '/admin/enterprises') {
  session.user = { username: 'admin', role: 'admin', display_name: 'admin', department_id: null } as unknown as Me
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { common: common.zh, admin: admin.zh } } })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/admin/enterprises', component: Page },
      { path: '/admin/enterprises/import', component: { template: '<p />' } },
      { path: '/enterprises/:uscc', component: { template: '<p />' } },
    ],
  })
  await router.push(start)
  await router.isReady()
  const wrapper = mount(Page, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  lastRouter = router
  return wrapper
}
let lastRouter: ReturnType<typeof createRouter>

type State = { filters: Record<string, unknown>; q?: string; refilter: () => void; toPage: (n: number) => void }
const state = (w: Awaited<ReturnType<typeof setup>>) => (w.vm as unknown as { $: { setupState: State } }).$.setupState

// each test's page goes before the next (left mounted, they slow the later ones down)
enableAutoUnmount(afterEach)

describe('EnterprisesPage', { timeout: 20_000 }, () => {
  beforeEach(() => {
    get.mockReset()
    patch.mockReset()
    asked.length = 0
  })

  it('asks for the first page by name and says 共 N 条 with numbered pages', async () => {
    serve(45)
    const w = await setup()
    expect(asked[0]).toMatchObject({ limit: 20, page: 1, sort: 'name' })
    expect(w.get('[data-testid="enterprise-total"]').text()).toBe('共 45 条')
    expect(w.findAll('[data-testid="enterprise-table"] tbody tr')).toHaveLength(20)
    const pager = w.get('[data-testid="enterprise-pager"]')
    expect(pager.findAll('.el-pager li').map((li) => li.text())).toEqual(['1', '2', '3'])
    expect(w.text()).not.toContain('加载更多')
    await pager.findAll('.el-pager li')[2]!.trigger('click')
    await flushPromises()
    expect(asked.at(-1)).toMatchObject({ page: 3, limit: 20 })
    expect(w.findAll('[data-testid="enterprise-table"] tbody tr')).toHaveLength(5)
  })

  it('keeps words, filters, order and page in the address: a reload shows them, back returns', async () => {
    serve(95)
    const w = await setup('/admin/enterprises?q=恒润&industry=industry&key_tech=true&sort=recent&page=2&size_class=bogus')
    expect(asked[0]).toEqual({ limit: 20, page: 2, sort: 'recent', q: '恒润', industry: 'industry', key_tech: true })
    expect(state(w).q ?? '').toBe('恒润')
    const s = state(w)
    s.toPage(4)
    await flushPromises()
    expect(lastRouter.currentRoute.value.query).toEqual({ q: '恒润', industry: 'industry', key_tech: 'true', sort: 'recent', page: '4' })
    Object.assign(s.filters, { industry: 'services' })
    s.refilter()
    await flushPromises()
    expect(lastRouter.currentRoute.value.query).toEqual({ q: '恒润', industry: 'services', key_tech: 'true', sort: 'recent' })
    expect(asked.at(-1)).toMatchObject({ page: 1, industry: 'services' })
    lastRouter.back()
    await new Promise((r) => setTimeout(r, 0))
    await flushPromises()
    expect(asked.at(-1)).toMatchObject({ page: 4, industry: 'industry', sort: 'recent' })
    expect(state(w).filters.industry).toBe('industry')
  })

  it('sends each filter set and goes back to the first page', async () => {
    serve(45)
    const w = await setup()
    const s = state(w)
    s.toPage(2)
    await flushPromises()
    Object.assign(s.filters, { size_class: 'designated', industry: 'services', town: ' 马塘镇 ', commissioner_id: 'zhang', key_tech: true, major_project: true, sort: 'recent' })
    s.refilter()
    await flushPromises()
    expect(asked.at(-1)).toEqual({
      limit: 20,
      page: 1,
      sort: 'recent',
      size_class: 'designated',
      industry: 'services',
      town: '马塘镇',
      commissioner_id: 'zhang',
      key_tech: true,
      major_project: true,
    })
    await w.get('[data-testid="enterprise-reset"]').trigger('click')
    await flushPromises()
    expect(asked.at(-1)).toEqual({ limit: 20, page: 1, sort: 'recent' })
  })

  it('shows no pager for one page and the empty text for none', async () => {
    serve(0)
    const w = await setup()
    expect(w.find('[data-testid="enterprise-pager"]').exists()).toBe(false)
    expect(w.get('[data-testid="enterprise-total"]').text()).toBe('共 0 条')
    expect(w.text()).toContain('没有找到企业')
  })

  it('a stale version reads the enterprise again into the dialog, saying why; a contact refused is shown on its own row', async () => {
    serve(1)
    const w = await setup()
    await w.get('[data-testid=enterprise-edit]').trigger('click')
    await flushPromises()
    const dialog = () => document.querySelector('[data-testid=enterprise-dialog]') as HTMLElement
    const input = (field: string) => dialog().querySelector(`input[data-field="${field}"]`) as HTMLInputElement
    const type = async (field: string, value: string) => {
      input(field).value = value
      input(field).dispatchEvent(new Event('input'))
      await flushPromises()
    }
    const submit = async () => {
      dialog().querySelector('form')!.dispatchEvent(new Event('submit'))
      await flushPromises()
    }
    await type('town', '栟茶镇')
    patch.mockRejectedValueOnce(new ApiError(409, { type: 'x', title: 'x', status: 409, detail: '版本冲突', code: 'version_conflict' }))
    await submit()
    expect(patch.mock.calls[0][1].body).toEqual({ version: 1, town: '栟茶镇' })
    expect(input('name').value).toBe('企业1（更名）')
    expect(input('town').value).toBe('马塘镇')
    expect(dialog().querySelector('.el-alert')?.textContent).toContain('数据已被他人修改')

    // the first row left blank is not sent: the API's contacts.0 is the form's second row
    await w.get('[data-testid=contact-add]').trigger('click')
    await flushPromises()
    await type('contacts.1.name', '王经理')
    await type('contacts.1.phone', '12')
    patch.mockRejectedValueOnce(
      new ApiError(400, {
        type: 'x',
        title: 'x',
        status: 400,
        detail: '请求有误',
        code: 'validation_error',
        errors: [{ field: 'contacts.0.phone', code: 'invalid_phone', message: '电话格式不正确' }],
      }),
    )
    await submit()
    expect(patch.mock.calls[1][1].body).toEqual({ version: 2, contacts: [{ name: '王经理', phone: '12' }] })
    const errorOf = (label: string) => w.findAllComponents({ name: 'ElFormItem' }).find((i) => i.props('label') === label)?.props('error')
    expect(errorOf('联系人2 电话')).toBe('电话格式不正确')
    expect(errorOf('联系人1 电话')).toBeUndefined()
    expect(dialog().querySelector('.el-alert')).toBeNull()
  })
})
