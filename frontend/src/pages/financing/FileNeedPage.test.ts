import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'

import { ApiError } from '@/api/problem'

import { financingI18n } from './fixtures'

const post = vi.fn()
vi.mock('@/api/client', () => ({
  client: { POST: (...a: unknown[]) => post(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./FileNeedPage.vue')).default

/** The error each form item shows, by its label (Element Plus renders it under the field). */
function errorsByLabel(wrapper: VueWrapper): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of wrapper.findAllComponents({ name: 'ElFormItem' })) {
    const error = item.props('error') as string | undefined
    if (error) out[item.props('label') as string] = error
  }
  return out
}

async function setup(path = '/financing/need'): Promise<{ wrapper: VueWrapper; router: Router }> {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/financing/need', component: Page },
      { path: '/financing', component: { template: '<p>products</p>' } },
      { path: '/appeals/:id', component: { template: '<p>appeal</p>' } },
    ],
  })
  await router.push(path)
  await router.isReady()
  const wrapper = mount(Page, { global: { plugins: [financingI18n(), router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

describe('FileNeedPage', () => {
  let wrapper: VueWrapper | null = null
  beforeEach(() => {
    post.mockReset() // (a function returned here would be called as the test's teardown)
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
  })

  it('says what is missing before asking the server', async () => {
    ;({ wrapper } = await setup())
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(post).not.toHaveBeenCalled()
    expect(errorsByLabel(wrapper)).toEqual({ '融资金额（万元）': '请填写融资金额', '期限（月）': '请填写融资期限', 资金用途: '请填写资金用途' })
  })

  it('shows the server’s refusal next to the field it names', async () => {
    ;({ wrapper } = await setup('/financing/need?amount=300&term_months=12'))
    const refusal = new ApiError(400, {
      type: 'x',
      title: '请求参数有误',
      status: 400,
      detail: 'contact_phone: 不是有效的电话号码',
      code: 'validation_error',
      errors: [{ field: 'contact_phone', code: 'phone_invalid', message: '不是有效的电话号码' }],
    })
    post.mockImplementation(async () => {
      throw refusal
    })
    await wrapper.get('textarea[data-field=purpose]').setValue('采购原材料')
    await wrapper.get('input[data-field=contact_phone]').setValue('12')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(post).toHaveBeenCalledOnce()
    expect(errorsByLabel(wrapper)).toEqual({ 联系电话: '不是有效的电话号码' })
  })

  it('posts the need with the amount and term it started from, then opens the new appeal', async () => {
    post.mockResolvedValue({ id: 'XQT-20260615-0007' })
    let router: Router
    ;({ wrapper, router } = await setup('/financing/need?amount=300&term_months=12'))
    expect((wrapper.get('input[data-field=amount]').element as HTMLInputElement).value).toBe('300')
    await wrapper.get('textarea[data-field=purpose]').setValue(' 采购原材料,扩大生产 ')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const [path, options] = post.mock.calls[0] as [string, { body: Record<string, unknown> }]
    expect(path).toBe('/api/v1/financing/needs')
    expect(options.body).toEqual({ amount: 300, term_months: 12, purpose: '采购原材料,扩大生产', contact_name: undefined, contact_phone: undefined })
    expect(router.currentRoute.value.fullPath).toBe('/appeals/XQT-20260615-0007')
  })
})
