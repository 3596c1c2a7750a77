import { enableAutoUnmount, flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { Appeal } from '@/api/client'
import { ApiError } from '@/api/problem'
import admin from '@/i18n/messages/admin'
import common from '@/i18n/messages/common'
import operator from '@/i18n/messages/operator'

const get = vi.fn()
const post = vi.fn()
vi.mock('@/api/client', () => ({
  client: { GET: (...a: unknown[]) => get(...a), POST: (...a: unknown[]) => post(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const warning = vi.fn()
const success = vi.fn()
vi.mock('element-plus', async (original) => ({
  ...(await original<typeof import('element-plus')>()),
  ElMessage: { warning: (...a: unknown[]) => warning(...a), success: (...a: unknown[]) => success(...a), error: vi.fn() },
}))
const Page = (await import('./TriagePage.vue')).default

function appeal(over: Partial<Appeal> = {}): Appeal {
  return {
    id: 'XQT-20261207-0001',
    title: '厂房用地指标迟迟未批',
    channel: 'web',
    status: 'received',
    urgency: 'normal',
    enterprise: { uscc: '91320000MA1XXXXX0A', name: '恒润机械有限公司', caller_phone: null },
    assignee: { commissioner_id: null, name: null },
    reply_due_at: '2026-12-18T23:59:59+08:00',
    working_days_left: 9,
    overdue: false,
    deadline_provisional: false,
    paused: false,
    reopened: false,
    pending_extension: null,
    escalation_level: 0,
    supervised: false,
    replied_at: null,
    closed_at: null,
    created_at: '2026-12-07T09:30:00+08:00',
    departments: [],
    version: 3,
    ...over,
  } as unknown as Appeal
}

const problem = (status: number, code: string, detail = code, errors?: { field: string; code: string; message: string }[]) =>
  new ApiError(status, { type: 'x', title: code, status, detail, code, ...(errors ? { errors } : {}) })

enableAutoUnmount(afterEach)

describe('TriagePage', { timeout: 20_000 }, () => {
  const listReads = () => get.mock.calls.filter(([p]) => p === '/api/v1/appeals').length

  beforeEach(() => {
    for (const m of [get, post, warning, success]) m.mockReset()
    get.mockImplementation(async (path: string) => {
      if (path === '/api/v1/appeals') return { items: [appeal()], next_cursor: null }
      if (path === '/api/v1/commissioners') {
        return {
          items: [{ id: 'zhang', name: '张专员', kind: 'size_class', active: true, coverage: { size_classes: [], industries: [] } }],
          next_cursor: null,
        }
      }
      throw new Error(path)
    })
  })

  async function setup(): Promise<VueWrapper> {
    const i18n = createI18n({
      legacy: false,
      locale: 'zh-CN',
      messages: { 'zh-CN': { common: common.zh, admin: admin.zh, operator: operator.zh } },
    })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { render: () => null } }] })
    const w = mount(Page, { global: { plugins: [i18n, router] }, attachTo: document.body })
    await flushPromises()
    return w
  }

  async function assign(w: VueWrapper) {
    const form = w.get('[data-testid="assign-form-XQT-20261207-0001"]')
    form.findComponent({ name: 'ElSelect' }).vm.$emit('update:modelValue', 'zhang')
    await flushPromises()
    await form.trigger('submit')
    await flushPromises()
  }
  const rowError = (w: VueWrapper) =>
    w.get('[data-testid="assign-form-XQT-20261207-0001"]').findComponent({ name: 'ElFormItem' }).props('error')

  it('a stale version reads the list again, saying why, with nothing under the row', async () => {
    const w = await setup()
    expect(listReads()).toBe(1)
    post.mockRejectedValueOnce(problem(409, 'version_conflict'))
    await assign(w)
    expect(post.mock.calls[0][1].body).toEqual({ type: 'reassign', version: 3, commissioner_id: 'zhang' })
    expect(warning).toHaveBeenCalledWith('数据已被他人修改，已为您刷新，请重新操作')
    expect(listReads()).toBe(2)
    expect(rowError(w)).toBeUndefined()
  })

  it('a case that left triage meanwhile reads the list again, saying so; other refusals go under the row', async () => {
    const w = await setup()
    post.mockRejectedValueOnce(problem(409, 'invalid_transition'))
    await assign(w)
    expect(warning).toHaveBeenCalledWith('该诉求状态已变化，已刷新列表')
    expect(listReads()).toBe(2)
    expect(rowError(w)).toBeUndefined()

    post.mockRejectedValueOnce(problem(400, 'validation_error', '请求有误', [{ field: 'commissioner_id', code: 'inactive', message: '该专员已停用' }]))
    await assign(w)
    expect(rowError(w)).toBe('该专员已停用')
    post.mockRejectedValueOnce(problem(403, 'forbidden', '无权执行此操作'))
    await assign(w)
    expect(rowError(w)).toBe('无权执行此操作')
    expect(listReads()).toBe(2)

    post.mockResolvedValueOnce(appeal({ assignee: { commissioner_id: 'zhang', name: '张专员' } as Appeal['assignee'], version: 4 }))
    await assign(w)
    expect(success).toHaveBeenCalled()
    expect(w.find('[data-testid="assign-form-XQT-20261207-0001"]').exists()).toBe(false) // assigned: out of triage
  })
})
