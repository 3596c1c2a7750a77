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
const Page = (await import('./UsersPage.vue')).default

function user(over: Record<string, unknown> = {}) {
  return {
    username: 'chen',
    display_name: '陈静',
    role: 'admin',
    enterprise_uscc: null,
    commissioner_id: null,
    department_id: null,
    phone: null,
    service_account: false,
    active: true,
    version: 2,
    created_at: '2026-12-01T09:00:00+08:00',
    updated_at: '2026-12-01T09:00:00+08:00',
    ...over,
  }
}

const problem = (status: number, code: string, detail = code) => new ApiError(status, { type: 'x', title: code, status, detail, code })
const dialog = () => document.querySelector('[data-testid=user-dialog]') as HTMLElement
const input = (field: string) => dialog().querySelector(`input[data-field=${field}]`) as HTMLInputElement
async function type(field: string, value: string) {
  input(field).value = value
  input(field).dispatchEvent(new Event('input'))
  await flushPromises()
}
async function submit() {
  document.querySelector('[data-testid=user-form]')!.dispatchEvent(new Event('submit'))
  await flushPromises()
}
const item = (w: VueWrapper, label: string) => w.findAllComponents({ name: 'ElFormItem' }).find((i) => i.props('label') === label)

describe('UsersPage', { timeout: 20_000 }, () => {
  let wrapper: VueWrapper | null = null

  beforeEach(() => {
    for (const m of [get, post, patch]) m.mockReset()
    get.mockImplementation(async (path: string) => {
      if (path === '/api/v1/users') return { items: [user()], next_cursor: null }
      if (path === '/api/v1/users/{username}') return user({ display_name: '陈静（中心）', version: 3 })
      if (path === '/api/v1/commissioners' || path === '/api/v1/departments') return { items: [], next_cursor: null }
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

  it('a stale version reads the user again into the dialog, saying why; the next save goes under the new version', async () => {
    wrapper = await setup()
    await wrapper.find('[data-testid=user-edit]').trigger('click')
    await flushPromises()
    await type('phone', '13800000000')
    patch.mockRejectedValueOnce(problem(409, 'version_conflict'))
    await submit()
    expect(patch.mock.calls[0][1].body).toEqual({ version: 2, phone: '13800000000' })
    expect(input('display_name').value).toBe('陈静（中心）')
    expect(dialog().querySelector('.el-alert')?.textContent).toContain('数据已被他人修改')
    expect(wrapper.find('[data-row=chen]').text()).toContain('陈静（中心）')

    await type('phone', '13900000000')
    patch.mockResolvedValueOnce(user({ display_name: '陈静（中心）', phone: '13900000000', version: 4 }))
    await submit()
    expect(patch.mock.calls[1][1].body).toEqual({ version: 3, phone: '13900000000' })
  })

  it('a username already taken is said under it, not in the dialog’s message', async () => {
    wrapper = await setup()
    await wrapper.find('[data-testid=user-create]').trigger('click')
    await flushPromises()
    await type('username', 'chen')
    await type('display_name', '陈二')
    item(wrapper, '角色')!.findComponent({ name: 'ElSelect' }).vm.$emit('update:modelValue', 'admin')
    await flushPromises()
    post.mockRejectedValueOnce(problem(409, 'already_exists', '用户名已存在'))
    await submit()
    expect(post.mock.calls[0][1].body).toMatchObject({ username: 'chen', display_name: '陈二', role: 'admin' })
    expect(item(wrapper, '用户名')!.props('error')).toBe('用户名已存在')
    expect(dialog().querySelector('.el-alert')).toBeNull()
  })
})
