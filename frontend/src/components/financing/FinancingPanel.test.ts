import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { financingI18n, product } from '@/pages/financing/fixtures'
import type { FinancingRequest } from '@/utils/financing'

const get = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Panel = (await import('./FinancingPanel.vue')).default

function setup(props: { appealId: string; need: FinancingRequest | null }, locale: 'zh-CN' | 'en' = 'zh-CN') {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<p/>' } }] })
  return mount(Panel, { props, global: { plugins: [financingI18n(locale), router] } })
}

describe('FinancingPanel', () => {
  beforeEach(() => {
    get.mockReset()
    get.mockResolvedValue({
      items: [{ product: product(), reasons: ['额度 50–1000 万元', '期限 6–36 个月', '重点科技型企业'] }],
      next_cursor: null,
    })
  })

  it('shows the need kept on the appeal and the products that suit it, each with why', async () => {
    const need = { amount: 300, term_months: 12, purpose: '采购原材料,扩大生产' }
    const wrapper = setup({ appealId: 'XQT-20260615-0007', need })
    await flushPromises()
    expect(get).toHaveBeenCalledWith('/api/v1/appeals/{appeal_id}/products', { params: { path: { appeal_id: 'XQT-20260615-0007' } } })
    expect(wrapper.get('[data-testid=need-amount]').text()).toBe('300 万元')
    expect(wrapper.get('[data-testid=need-term]').text()).toBe('12 个月')
    expect(wrapper.get('[data-testid=need-purpose]').text()).toBe('采购原材料,扩大生产')
    expect(wrapper.text()).toContain('适合的金融产品')
    const card = wrapper.get('[data-testid=suggested-products] [data-product="fp-tech"]')
    expect(card.findAll('[data-testid=suggestion-reasons] li').map((li) => li.text())).toEqual([
      '额度 50–1000 万元',
      '期限 6–36 个月',
      '重点科技型企业',
    ])
  })

  it('says so when nothing suits, and in English too', async () => {
    get.mockResolvedValue({ items: [], next_cursor: null })
    const wrapper = setup({ appealId: 'A', need: { amount: 5000, term_months: 120, purpose: '建厂' } }, 'en')
    await flushPromises()
    expect(wrapper.text()).toContain('Suitable financial products')
    expect(wrapper.text()).toContain('No product fits fully')
    expect(wrapper.get('[data-testid=need-amount]').text()).toBe('5000 × 10k yuan')
  })

  it('asks nothing for a financing appeal filed without a need (a hotline call)', async () => {
    const wrapper = setup({ appealId: 'A', need: null })
    await flushPromises()
    expect(get).not.toHaveBeenCalled()
    expect(wrapper.find('[data-testid=financing-no-need]').exists()).toBe(true)
  })
})
