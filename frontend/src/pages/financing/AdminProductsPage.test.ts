import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { ApiError } from '@/api/problem'

import { financingI18n, product } from './fixtures'

const get = vi.fn()
const post = vi.fn()
const patch = vi.fn()
vi.mock('@/api/client', () => ({
  client: {
    GET: (...a: unknown[]) => get(...a),
    POST: (...a: unknown[]) => post(...a),
    PATCH: (...a: unknown[]) => patch(...a),
  },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./AdminProductsPage.vue')).default

const conflict = () =>
  new ApiError(409, { type: 'x', title: '版本冲突', status: 409, detail: '已被修改', code: 'version_conflict' })

async function setup(): Promise<VueWrapper> {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<p/>' } }] })
  const wrapper = mount(Page, { global: { plugins: [financingI18n(), router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

function dialogForm(): HTMLFormElement {
  return document.querySelector('[data-testid=product-dialog] form') as HTMLFormElement
}

describe('AdminProductsPage', () => {
  let wrapper: VueWrapper | null = null
  let latest = product()

  beforeEach(() => {
    get.mockReset()
    post.mockReset()
    patch.mockReset()
    latest = product()
    get.mockImplementation(async () => ({ items: [latest, product({ id: 'fp-old', name: '已停办产品', active: false, version: 5 })], next_cursor: null }))
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
    document.body.innerHTML = ''
  })

  it('lists withdrawn products too, in Beijing time, and withdraws or reactivates under the version read', async () => {
    wrapper = await setup()
    expect(get.mock.calls[0][1]).toEqual({ params: { query: { limit: 100, include_inactive: true } } })
    const rows = wrapper.findAll('tbody tr')
    expect(rows.map((r) => r.attributes('data-active'))).toEqual(['true', 'false'])
    expect(rows[0].text()).toContain('2026-06-16 00:30')
    patch.mockImplementation(async (_p: string, opts: { body: { active: boolean } }) => ({ ...latest, active: opts.body.active, version: 3 }))
    await wrapper.get('[data-product="fp-tech"] [data-testid=product-withdraw]').trigger('click')
    await flushPromises()
    expect(patch).toHaveBeenCalledWith('/api/v1/financing/products/{product_id}', {
      params: { path: { product_id: 'fp-tech' } },
      body: { version: 2, active: false },
    })
    expect(wrapper.get('[data-product="fp-tech"]').attributes('data-active')).toBe('false')
    await wrapper.get('[data-product="fp-old"] [data-testid=product-reactivate]').trigger('click')
    await flushPromises()
    expect(patch.mock.calls[1][1].body).toEqual({ version: 5, active: true })
  })

  it('on a version conflict keeps the dialog open and reloads the latest version on request', async () => {
    wrapper = await setup()
    await wrapper.get('[data-product="fp-tech"] [data-testid=product-edit]').trigger('click')
    await flushPromises()
    const rate = document.querySelector('[data-testid=product-dialog] input[data-field=rate_min]') as HTMLInputElement
    rate.value = '3.2'
    rate.dispatchEvent(new Event('input'))
    patch.mockRejectedValueOnce(conflict())
    dialogForm().dispatchEvent(new Event('submit'))
    await flushPromises()
    expect(patch.mock.calls[0][1].body).toEqual({ version: 2, rate_min: 3.2 })
    expect(document.querySelector('[data-testid=product-conflict]')).not.toBeNull()

    latest = product({ rate_min: 3.3, version: 4 }) // someone else's change
    ;(document.querySelector('[data-testid=product-reload]') as HTMLButtonElement).click()
    await flushPromises()
    expect(document.querySelector('[data-testid=product-conflict]')).toBeNull()
    expect((document.querySelector('[data-testid=product-dialog] input[data-field=rate_min]') as HTMLInputElement).value).toBe('3.3')
    expect(document.querySelector('[data-testid=product-dialog]')?.textContent).toContain('版本 4')
  })

  it('withdrawing on a stale version reads the list again, saying why; another refusal is said', async () => {
    wrapper = await setup()
    expect(get).toHaveBeenCalledTimes(1)
    patch.mockRejectedValueOnce(conflict())
    await wrapper.get('[data-product="fp-tech"] [data-testid=product-withdraw]').trigger('click')
    await flushPromises()
    expect(get).toHaveBeenCalledTimes(2)
    expect(document.querySelector('.el-message--warning')?.textContent).toContain('该产品已被他人修改')

    patch.mockRejectedValueOnce(new ApiError(403, { type: 'x', title: '无权', status: 403, detail: '无权执行此操作', code: 'forbidden' }))
    await wrapper.get('[data-product="fp-tech"] [data-testid=product-withdraw]').trigger('click')
    await flushPromises()
    expect(get).toHaveBeenCalledTimes(2)
    expect(document.querySelector('.el-message--error')?.textContent).toContain('无权执行此操作')
    expect(wrapper.get('[data-product="fp-tech"]').attributes('data-active')).toBe('true')
  })

  it('shows a range the API refuses at the field it names', async () => {
    wrapper = await setup()
    await wrapper.get('[data-testid=product-create]').trigger('click')
    await flushPromises()
    const fill = (field: string, value: string) => {
      const input = document.querySelector(`[data-testid=product-dialog] [data-field=${field}]`) as HTMLInputElement
      input.value = value
      input.dispatchEvent(new Event('input'))
    }
    for (const [f, v] of Object.entries({ bank: '如东农村商业银行', name: '科技贷', rate_min: '3', rate_max: '4', term_min: '6', term_max: '36', amount_min: '50', amount_max: '1000' })) fill(f, v)
    post.mockRejectedValueOnce(
      new ApiError(400, {
        type: 'x',
        title: '请求参数有误',
        status: 400,
        detail: 'amount_max',
        code: 'validation_error',
        errors: [{ field: 'amount_max', code: 'range_order', message: '上限不能低于下限' }],
      }),
    )
    dialogForm().dispatchEvent(new Event('submit'))
    await flushPromises()
    expect(post.mock.calls[0][1].body).toMatchObject({ bank: '如东农村商业银行', rate_min: 3, amount_max: 1000, active: true })
    const items = wrapper.findAllComponents({ name: 'ElFormItem' }).filter((i) => i.props('error'))
    expect(items.map((i) => [i.props('label'), i.props('error')])).toEqual([['上限', '上限不能低于下限']])
  })
})
