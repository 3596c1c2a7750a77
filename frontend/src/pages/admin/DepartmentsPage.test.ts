import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'

import { ApiError } from '@/api/problem'
import admin from '@/i18n/messages/admin'
import common from '@/i18n/messages/common'
import units from '@/i18n/messages/units'

const get = vi.fn()
const post = vi.fn()
const patch = vi.fn()
const put = vi.fn()
vi.mock('@/api/client', () => ({
  client: {
    GET: (...a: unknown[]) => get(...a),
    POST: (...a: unknown[]) => post(...a),
    PATCH: (...a: unknown[]) => patch(...a),
    PUT: (...a: unknown[]) => put(...a),
  },
  unwrap: async (call: Promise<unknown>) => call,
}))
const Page = (await import('./DepartmentsPage.vue')).default

function unit(over: Record<string, unknown> = {}) {
  return {
    id: 'zrzy',
    name: '县自然资源和规划局',
    kind: 'department',
    phone: null,
    email: null,
    active: true,
    responsibilities: [],
    version: 2,
    created_at: '2026-12-01T09:00:00+08:00',
    updated_at: '2026-12-01T09:00:00+08:00',
    ...over,
  }
}

const problem = (status: number, code: string, detail = code) => new ApiError(status, { type: 'x', title: code, status, detail, code })

let fresh: Record<string, unknown>
async function setup(): Promise<VueWrapper> {
  const i18n = createI18n({
    legacy: false,
    locale: 'zh-CN',
    messages: { 'zh-CN': { common: common.zh, admin: admin.zh, units: units.zh } },
  })
  const wrapper = mount(Page, { global: { plugins: [i18n] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const input = (field: string) => document.querySelector(`[data-testid=department-dialog] input[data-field=${field}]`) as HTMLInputElement
async function type(field: string, value: string) {
  const el = input(field)
  el.value = value
  el.dispatchEvent(new Event('input'))
  await flushPromises()
}
async function submit(testid: string) {
  document.querySelector(`[data-testid=${testid}]`)!.dispatchEvent(new Event('submit'))
  await flushPromises()
}
const errorOf = (w: VueWrapper, label: string) =>
  w.findAllComponents({ name: 'ElFormItem' }).find((i) => i.props('label') === label)?.props('error')

describe('DepartmentsPage', { timeout: 20_000 }, () => {
  let wrapper: VueWrapper | null = null

  beforeEach(() => {
    for (const m of [get, post, patch, put]) m.mockReset()
    fresh = unit({ name: '县自然资源局', version: 3 })
    get.mockImplementation(async (path: string) => {
      if (path === '/api/v1/departments') return { items: [unit()], next_cursor: null }
      if (path === '/api/v1/departments/{department_id}') return fresh
      throw new Error(path)
    })
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
    document.body.innerHTML = ''
  })

  it('a stale version reads the unit again into the dialog, saying why; then saves under the new version', async () => {
    wrapper = await setup()
    await wrapper.find('[data-testid=department-edit]').trigger('click')
    await flushPromises()
    await type('phone', '0513-1234567')
    patch.mockRejectedValueOnce(problem(409, 'version_conflict'))
    await submit('department-form')
    expect(patch.mock.calls[0][1].body).toEqual({ version: 2, phone: '0513-1234567' })
    expect(get.mock.calls.filter(([p]) => p === '/api/v1/departments/{department_id}')).toHaveLength(1)
    expect(input('name').value).toBe('县自然资源局') // the dialog shows the unit as it is now
    expect(document.querySelector('[data-testid=department-dialog] .el-alert')?.textContent).toContain('数据已被他人修改')
    expect(wrapper.find('[data-row=zrzy] .name').text()).toBe('县自然资源局')

    await type('phone', '0513-7654321')
    patch.mockResolvedValueOnce(unit({ name: '县自然资源局', phone: '0513-7654321', version: 4 }))
    await submit('department-form')
    expect(patch.mock.calls[1][1].body).toEqual({ version: 3, phone: '0513-7654321' })
    expect(wrapper.find('[data-row=zrzy]').text()).toContain('0513-7654321')
  })

  it('an id already taken is said under the id; other refusals in the dialog', async () => {
    wrapper = await setup()
    await wrapper.find('[data-testid=department-create]').trigger('click')
    await flushPromises()
    await type('id', 'zrzy')
    await type('name', '自然资源局')
    post.mockRejectedValueOnce(problem(409, 'already_exists', '编号已存在'))
    await submit('department-form')
    expect(errorOf(wrapper, '编号')).toBe('编号已存在')
    expect(document.body.textContent).toContain('编号已存在')
    expect(document.querySelector('[data-testid=department-dialog] .el-alert')).toBeNull()

    post.mockRejectedValueOnce(problem(403, 'forbidden', '无权执行此操作'))
    await submit('department-form')
    expect(errorOf(wrapper, '编号')).toBeUndefined()
    expect(document.querySelector('[data-testid=department-dialog] .el-alert')?.textContent).toContain('无权执行此操作')
    expect(get.mock.calls.filter(([p]) => p === '/api/v1/departments/{department_id}')).toHaveLength(0)
  })

  it('the responsibility list: a stale version reads the unit again, into the dialog and the list', async () => {
    fresh = unit({ version: 3, responsibilities: [{ category: 'land', matters: '用地报批' }] })
    wrapper = await setup()
    await wrapper.find('[data-testid=unit-duties-edit]').trigger('click')
    await flushPromises()
    await wrapper.find('[data-testid=duty-add]').trigger('click')
    const matters = document.querySelector('[data-testid=duties-dialog] textarea[data-field=matters]') as HTMLTextAreaElement
    matters.value = '项目审批'
    matters.dispatchEvent(new Event('input'))
    put.mockRejectedValueOnce(problem(409, 'version_conflict'))
    await submit('duties-form')
    expect(put.mock.calls[0][1].body).toEqual({ version: 2, items: [{ category: 'policy', matters: '项目审批' }] })
    const shown = [...document.querySelectorAll('[data-testid=duties-dialog] textarea[data-field=matters]')].map((t) => (t as HTMLTextAreaElement).value)
    expect(shown).toEqual(['用地报批'])
    expect(document.body.textContent).toContain('数据已被他人修改')
    expect(wrapper.find('[data-row=zrzy] [data-testid=unit-duties]').text()).toContain('1')

    put.mockResolvedValueOnce(unit({ version: 4, responsibilities: [{ category: 'land', matters: '用地报批' }] }))
    await submit('duties-form')
    expect(put.mock.calls[1][1].body.version).toBe(3)
  })
})
