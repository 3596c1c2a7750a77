import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'

import { session } from '@/auth/session'

import { financingI18n, product } from './fixtures'

const get = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./ProductsPage.vue')).default

const MICRO = product({ id: 'fp-micro', bank: '中国银行如东支行', name: '小微快贷', rate_min: 4.35, rate_max: 5.5, term_min: 3, term_max: 12, amount_min: 10, amount_max: 300, conditions: { ...product().conditions, key_tech: false, size_classes: ['small_micro'] }, description: null })
type Query = Record<string, unknown>
const asked = (): Query[] => get.mock.calls.map(([, opts]) => opts.params.query)

async function setup(path = '/financing'): Promise<{ wrapper: VueWrapper; router: Router }> {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/financing', component: Page },
      { path: '/financing/need', component: { template: '<p>need</p>' } },
    ],
  })
  await router.push(path)
  await router.isReady()
  const wrapper = mount({ template: '<RouterView />' }, { global: { plugins: [financingI18n(), router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

describe('ProductsPage', () => {
  let wrapper: VueWrapper | null = null

  beforeEach(() => {
    get.mockReset()
    get.mockImplementation(async (_path: string, opts: { params: { query: Query } }) => {
      const q = opts.params.query
      const all = [MICRO, product()]
      return {
        items: all.filter(
          (p) =>
            (q.amount == null || (p.amount_min <= Number(q.amount) && Number(q.amount) <= p.amount_max)) &&
            (q.term_months == null || (p.term_min <= Number(q.term_months) && Number(q.term_months) <= p.term_max)),
        ),
        next_cursor: null,
      }
    })
    session.user = { role: 'enterprise' } as typeof session.user
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
    session.user = null
  })

  it('lists each product with its rate, term and amount ranges and who may apply, in words', async () => {
    ;({ wrapper } = await setup())
    const cards = wrapper.findAll('[data-product]')
    expect(cards.map((c) => c.attributes('data-product'))).toEqual(['fp-micro', 'fp-tech'])
    const tech = wrapper.get('[data-product="fp-tech"]')
    expect(tech.get('[data-testid=product-rate]').text()).toBe('3.45–4.2%')
    expect(tech.get('[data-testid=product-term]').text()).toBe('6–36 个月')
    expect(tech.get('[data-testid=product-amount]').text()).toBe('50–1000 万元')
    expect(tech.get('[data-testid=product-conditions]').text()).toBe('重点科技型企业')
    expect(wrapper.get('[data-product="fp-micro"] [data-testid=product-conditions]').text()).toBe('规模：小微')
    expect(tech.text()).toContain('无需抵押')
  })

  it('filters by amount, term and bank through the address, and the need form starts from them', async () => {
    let router: Router
    ;({ wrapper, router } = await setup())
    await wrapper.get('input[data-field=amount]').setValue('500')
    await wrapper.get('input[data-field=term_months]').setValue('24')
    await wrapper.get('input[data-field=bank]').setValue('农村商业')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ amount: '500', term_months: '24', bank: '农村商业' })
    expect(asked().at(-1)).toEqual({ limit: 100, amount: 500, term_months: 24, bank: '农村商业' })
    expect(wrapper.findAll('[data-product]').map((c) => c.attributes('data-product'))).toEqual(['fp-tech'])
    expect(wrapper.get('[data-testid=file-need-link]').attributes('href')).toBe('/financing/need?amount=500&term_months=24')
  })

  it('does not ask the API with an amount it would refuse, and says why at the field', async () => {
    ;({ wrapper } = await setup())
    const before = get.mock.calls.length
    await wrapper.get('input[data-field=amount]').setValue('-3')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(get.mock.calls.length).toBe(before)
    const errors = wrapper.findAllComponents({ name: 'ElFormItem' }).map((i) => [i.props('label'), i.props('error')])
    expect(errors.filter(([, e]) => e)).toEqual([['融资金额（万元）', '请填写大于 0 的金额（万元）']])
  })

  it('offers the need form to enterprises only', async () => {
    session.user = { role: 'commissioner' } as typeof session.user
    ;({ wrapper } = await setup('/financing?amount=300'))
    expect(asked()[0]).toEqual({ limit: 100, amount: 300 })
    expect(wrapper.find('[data-testid=file-need-link]').exists()).toBe(false)
  })
})
