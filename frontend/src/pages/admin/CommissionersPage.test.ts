import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'

import { ApiError } from '@/api/problem'
import admin from '@/i18n/messages/admin'
import common from '@/i18n/messages/common'

const get = vi.fn()
const post = vi.fn()
const patch = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a), POST: (...a: unknown[]) => post(...a), PATCH: (...a: unknown[]) => patch(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./CommissionersPage.vue')).default

function commissioner(over: Record<string, unknown> = {}) {
  return {
    id: 'zhang',
    name: '张专员',
    kind: 'size_class',
    coverage: { size_classes: ['designated'], industries: [] },
    phone: null,
    email: null,
    active: true,
    version: 2,
    created_at: '2026-12-01T09:00:00+08:00',
    updated_at: '2026-12-01T09:00:00+08:00',
    ...over,
  }
}

const problem = (status: number, code: string, detail = code) => new ApiError(status, { type: 'x', title: code, status, detail, code })
const dialog = () => document.querySelector('[data-testid=commissioner-dialog]') as HTMLElement
const input = (field: string) => dialog().querySelector(`input[data-field=${field}]`) as HTMLInputElement
async function type(field: string, value: string) {
  input(field).value = value
  input(field).dispatchEvent(new Event('input'))
  await flushPromises()
}
async function submit() {
  document.querySelector('[data-testid=commissioner-form]')!.dispatchEvent(new Event('submit'))
  await flushPromises()
}
const errorOf = (w: VueWrapper, label: string) =>
  w.findAllComponents({ name: 'ElFormItem' }).find((i) => i.props('label') === label)?.props('error')

describe('CommissionersPage', { timeout: 20_000 }, () => {
  let wrapper: VueWrapper | null = null

  beforeEach(() => {
    for (const m of [get, post, patch]) m.mockReset()
    get.mockImplementation(async (path: string) => {
      if (path === '/api/v1/commissioners') return { items: [commissioner()], next_cursor: null }
      if (path === '/api/v1/commissioners/{commissioner_id}') return commissioner({ name: '张伟', version: 3 })
      throw new Error(path)
    })
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
    document.body.innerHTML = ''
  })

  async function setup(): Promise<VueWrapper> {
    const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { common: common.zh, admin: admin.zh } } })
    const w = mount(Page, { global: { plugins: [i18n] }, attachTo: document.body })
    await flushPromises()
    return w
  }

  it('a stale version reads the commissioner again into the dialog, saying why; the next save goes under the new version', async () => {
    wrapper = await setup()
    await wrapper.find('[data-testid=commissioner-edit]').trigger('click')
    await flushPromises()
    await type('phone', '13800000000')
    patch.mockRejectedValueOnce(problem(409, 'version_conflict'))
    await submit()
    expect(patch.mock.calls[0][1].body).toEqual({ version: 2, phone: '13800000000' })
    expect(input('name').value).toBe('张伟')
    expect(dialog().querySelector('.el-alert')?.textContent).toContain('数据已被他人修改')
    expect(wrapper.find('[data-row=zhang]').text()).toContain('张伟')

    await type('phone', '13900000000')
    patch.mockResolvedValueOnce(commissioner({ name: '张伟', phone: '13900000000', version: 4 }))
    await submit()
    expect(patch.mock.calls[1][1].body).toEqual({ version: 3, phone: '13900000000' })
  })

  it('an id already taken is said under the id, not in the dialog’s message', async () => {
    wrapper = await setup()
    await wrapper.find('[data-testid=commissioner-create]').trigger('click')
    await flushPromises()
    await type('id', 'zhang')
    await type('name', '张三')
    post.mockRejectedValueOnce(problem(409, 'already_exists', '编号已存在'))
    await submit()
    expect(errorOf(wrapper, '编号')).toBe('编号已存在')
    expect(dialog().querySelector('.el-alert')).toBeNull()
    expect(get.mock.calls.filter(([p]) => p === '/api/v1/commissioners/{commissioner_id}')).toHaveLength(0)
  })
})
