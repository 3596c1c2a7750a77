import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'

import admin from '@/i18n/messages/admin'
import common from '@/i18n/messages/common'
import policies from '@/i18n/messages/policies'

const get = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./PolicyListPage.vue')).default

function summary(id: string, over: Record<string, unknown> = {}) {
  return {
    id,
    title: '如东县支持工业企业技术改造的若干政策',
    issuer: '县工业和信息化局',
    doc_number: '东政发〔2026〕12号',
    summary: '对年度技改投入 500 万元以上的规上工业企业给予补助。',
    effective_from: '2026-01-01',
    expires_on: '2027-12-31',
    conditions_text: '行业：工业；规模：规上',
    interpretations: 1,
    published_at: '2026-06-14T16:30:00Z', // 15 June in Beijing
    expired: false,
    application: null,
    ...over,
  }
}

type Query = Record<string, unknown>
const asked = (): Query[] => get.mock.calls.map(([, opts]) => opts.params.query)

async function setup(path = '/policies'): Promise<{ wrapper: VueWrapper; router: Router }> {
  const i18n = createI18n({
    legacy: false,
    locale: 'zh-CN',
    messages: { 'zh-CN': { common: common.zh, admin: admin.zh, policies: policies.zh } },
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/policies', component: Page },
      { path: '/policies/:id', component: { template: '<p>policy</p>' } },
      { path: '/login', component: { template: '<p>login</p>' } },
      { path: '/my/policies', component: { template: '<p>mine</p>' } },
    ],
  })
  await router.push(path)
  await router.isReady()
  const wrapper = mount({ template: '<RouterView />' }, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

describe('PolicyListPage', () => {
  let wrapper: VueWrapper | null = null

  beforeEach(() => {
    get.mockReset()
    get.mockImplementation(async (_path: string, opts: { params: { query: Query } }) => {
      const q = opts.params.query
      if (q.cursor === 'c2') return { items: [summary('P-3', { title: '企业研发费用加计扣除指引' })], next_cursor: null }
      if (q.applying) {
        const period = { opens_at: '2026-11-01T09:00:00+08:00', closes_at: '2026-12-31T17:00:00+08:00' }
        return {
          items: [
            summary('P-4', { title: '技改专项资金申报指南', application: { ...period, state: 'open' } }),
            summary('P-5', { title: '稳岗返还申报', application: { ...period, state: 'not_open' } }),
          ],
          next_cursor: null,
        }
      }
      if (q.include_expired) {
        return { items: [summary('P-1'), summary('P-0', { title: '2025年度农业设施用地奖补办法', expired: true })], next_cursor: null }
      }
      return { items: [summary('P-1'), summary('P-2', { title: '重大项目要素保障专项扶持办法' })], next_cursor: 'c2' }
    })
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
  })

  it('lists the catalogue with each policy’s issuer, 文号, conditions and dates, and pages on', async () => {
    const setupResult = await setup()
    wrapper = setupResult.wrapper
    expect(asked()).toEqual([{ limit: 20 }])
    const first = wrapper.find('[data-policy="P-1"]')
    expect(first.find('a').attributes('href')).toBe('/policies/P-1')
    for (const text of ['县工业和信息化局', '东政发〔2026〕12号', '行业：工业；规模：规上', '2026-01-01 至 2027-12-31', '2026-06-15', '解读 1 篇']) {
      expect(first.text()).toContain(text)
    }
    expect(wrapper.find('[data-testid=expired]').exists()).toBe(false)
    await wrapper.find('[data-testid=policy-more]').trigger('click')
    await flushPromises()
    expect(asked()[1]).toEqual({ limit: 20, cursor: 'c2' })
    expect(wrapper.findAll('[data-policy]').map((x) => x.attributes('data-policy'))).toEqual(['P-1', 'P-2', 'P-3'])
    expect(wrapper.find('[data-testid=policy-more]').exists()).toBe(false)
  })

  it('searches by keywords on submit, keeping them in the address', async () => {
    const { wrapper: w, router } = await setup()
    wrapper = w
    await w.find('input[data-field=q]').setValue('  技术改造   补助 ')
    expect(asked()).toHaveLength(1) // typing alone asks nothing
    await w.find('[data-testid=policy-filters]').trigger('submit')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ q: '技术改造   补助' })
    expect(asked()[1]).toEqual({ q: '技术改造 补助', limit: 20 })
  })

  it('filters by industry and size class at once, and shows expired policies marked on request', async () => {
    const { wrapper: w, router } = await setup()
    wrapper = w
    const industry = w.find('select[data-field=industry]')
    expect(industry.findAll('option').map((o) => o.text())).toEqual(['不限', '农业', '工业', '建筑房地产', '服务业', '其他'])
    await industry.setValue('industry')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ industry: 'industry' })
    expect(asked().at(-1)).toEqual({ industry: 'industry', limit: 20 })
    await w.find('select[data-field=size_class]').setValue('designated')
    await flushPromises()
    expect(asked().at(-1)).toEqual({ industry: 'industry', size_class: 'designated', limit: 20 })

    const toggle = w.findComponent({ name: 'ElSwitch' })
    toggle.vm.$emit('update:modelValue', true)
    toggle.vm.$emit('change', true)
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ industry: 'industry', size_class: 'designated', include_expired: 'true' })
    expect(asked().at(-1)).toEqual({ industry: 'industry', size_class: 'designated', include_expired: true, limit: 20 })
    const expired = w.find('[data-policy="P-0"]')
    expect(expired.find('[data-testid=expired]').text()).toBe('已失效')
    expect(w.find('[data-policy="P-1"] [data-testid=expired]').exists()).toBe(false)

    await w.find('[data-testid=policy-reset]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({})
    expect(asked().at(-1)).toEqual({ limit: 20 })
    expect((industry.element as HTMLSelectElement).value).toBe('')
  })

  it('lists the policies taking applications, marked 申报中 or 即将申报', async () => {
    const { wrapper: w, router } = await setup()
    wrapper = w
    expect(w.find('[data-testid=applying]').exists()).toBe(false)
    const toggle = w.findAllComponents({ name: 'ElSwitch' })[1]
    toggle.vm.$emit('update:modelValue', true)
    toggle.vm.$emit('change', true)
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ applying: 'true' })
    expect(asked().at(-1)).toEqual({ applying: true, limit: 20 })
    const open = w.find('[data-policy="P-4"] [data-testid=applying]')
    expect(open.text()).toBe('申报中')
    expect(open.attributes('title')).toBe('申报截止：2026-12-31 17:00')
    expect(w.find('[data-policy="P-5"] [data-testid=applying]').text()).toBe('即将申报')
  })

  it('opens with the filters a shared address names, and follows the back button', async () => {
    const { wrapper: w, router } = await setup('/policies?q=用地&industry=agriculture&size_class=nonsense')
    wrapper = w
    expect(asked()).toEqual([{ q: '用地', industry: 'agriculture', limit: 20 }])
    expect((w.find('input[data-field=q]').element as HTMLInputElement).value).toBe('用地')
    await router.push('/policies')
    await flushPromises()
    expect(asked().at(-1)).toEqual({ limit: 20 })
    expect((w.find('input[data-field=q]').element as HTMLInputElement).value).toBe('')
  })

  it('asks nothing more when a policy is opened from a filtered list', async () => {
    const { wrapper: w, router } = await setup('/policies?industry=industry')
    wrapper = w
    await router.push('/policies/P-1')
    await flushPromises()
    expect(asked()).toEqual([{ industry: 'industry', limit: 20 }])
    expect(w.text()).toContain('policy')
  })

  it('says when nothing matches the filters', async () => {
    get.mockResolvedValue({ items: [], next_cursor: null })
    const { wrapper: w } = await setup('/policies?q=不存在的词')
    wrapper = w
    expect(w.text()).toContain('没有找到符合条件的政策，可换个关键词或清除条件再试。')
  })
})
