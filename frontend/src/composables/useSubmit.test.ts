import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { createI18n } from 'vue-i18n'

import { ApiError } from '@/api/problem'
import common from '@/i18n/messages/common'
import { useSubmit, type SubmitOptions } from './useSubmit'

const warning = vi.fn()
vi.mock('element-plus', () => ({ ElMessage: { warning: (...a: unknown[]) => warning(...a) } }))

function withSubmit(options: SubmitOptions = {}) {
  let api!: ReturnType<typeof useSubmit>
  mount(
    defineComponent({
      setup() {
        api = useSubmit(options)
        return () => h('div')
      },
    }),
    { global: { plugins: [createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { common: common.zh } } })] } },
  )
  return api
}

const problem = (status: number, code: string, detail: string, errors?: { field: string; code: string; message: string }[]) =>
  new ApiError(status, { type: 'x', title: detail, status, detail, code, ...(errors ? { errors } : {}) })

describe('useSubmit', () => {
  it('is busy while sending and refuses a second send meanwhile', async () => {
    const s = withSubmit()
    let release!: () => void
    const send = vi.fn(() => new Promise<void>((r) => (release = r)))
    const first = s.submit(send)
    expect(s.busy.value).toBe(true)
    expect(await s.submit(send)).toBe(false)
    expect(send).toHaveBeenCalledTimes(1)
    release()
    expect(await first).toBe(true)
    expect(s.busy.value).toBe(false)
  })

  it('puts field errors next to their fields, and other errors in one message', async () => {
    const s = withSubmit()
    const ok = await s.submit(async () => {
      throw problem(400, 'validation_failed', '请求有误', [{ field: 'chair', code: 'too_long', message: '主持人过长' }])
    })
    expect(ok).toBe(false)
    expect(s.errors.chair).toBe('主持人过长')
    expect(s.message.value).toBeNull()
    await s.submit(async () => {
      throw problem(403, 'forbidden', '无权执行此操作')
    })
    expect(s.errors.chair).toBeUndefined()
    expect(s.message.value).toBe('无权执行此操作')
    expect(s.busy.value).toBe(false)
  })

  it('reads the record again on a version conflict and says why', async () => {
    const reload = vi.fn()
    const s = withSubmit({ reload })
    await s.submit(async () => {
      throw problem(409, 'version_conflict', '版本冲突')
    })
    expect(reload).toHaveBeenCalledTimes(1)
    expect(s.message.value).toBe(common.zh.state.conflict)
    expect(warning).toHaveBeenCalledWith(common.zh.state.conflict)
  })

  it('shows any other 409 as it came, without reloading', async () => {
    const reload = vi.fn()
    const s = withSubmit({ reload })
    await s.submit(async () => {
      throw problem(409, 'invalid_transition', '会办已召开')
    })
    expect(reload).not.toHaveBeenCalled()
    expect(s.message.value).toBe('会办已召开')
  })

  it('marks a conflict and keeps the form as typed when asked to, neither reloading nor saying it twice', async () => {
    const reload = vi.fn()
    warning.mockReset()
    const s = withSubmit({ reload, keepOnConflict: true })
    await s.submit(async () => {
      throw problem(409, 'version_conflict', '版本冲突')
    })
    expect(s.conflicted.value).toBe(true)
    expect(reload).not.toHaveBeenCalled()
    expect(warning).not.toHaveBeenCalled()
    expect(s.message.value).toBeNull()
    // the next send starts clean
    expect(await s.submit(async () => undefined)).toBe(true)
    expect(s.conflicted.value).toBe(false)
  })

  it('marks a conflict it reads again after, and no other refusal', async () => {
    const s = withSubmit({ reload: vi.fn() })
    await s.submit(async () => {
      throw problem(409, 'version_conflict', '版本冲突')
    })
    expect(s.conflicted.value).toBe(true)
    await s.submit(async () => {
      throw problem(409, 'invalid_transition', '会办已召开')
    })
    expect(s.conflicted.value).toBe(false)
  })

  it('leaves a refusal the page answered itself alone, and treats the rest as usual', async () => {
    const reload = vi.fn()
    warning.mockReset()
    const onError = vi.fn((e: unknown) => e instanceof ApiError && (e.code === 'already_exists' || e.code === 'version_conflict'))
    const s = withSubmit({ reload, onError })
    expect(
      await s.submit(async () => {
        throw problem(409, 'already_exists', '编号已存在')
      }),
    ).toBe(false)
    expect(onError).toHaveBeenCalledTimes(1)
    expect(s.message.value).toBeNull()
    expect(s.conflicted.value).toBe(false)
    // a conflict the page takes over is still marked, but neither read again nor said
    await s.submit(async () => {
      throw problem(409, 'version_conflict', '版本冲突')
    })
    expect(s.conflicted.value).toBe(true)
    expect(reload).not.toHaveBeenCalled()
    expect(warning).not.toHaveBeenCalled()
    expect(s.message.value).toBeNull()
    // what it does not answer is shown as usual
    await s.submit(async () => {
      throw problem(403, 'forbidden', '无权执行此操作')
    })
    expect(s.message.value).toBe('无权执行此操作')
    expect(s.busy.value).toBe(false)
  })

  it('waits for the page to answer before it is free again', async () => {
    let release!: () => void
    const s = withSubmit({ onError: () => new Promise<boolean>((r) => (release = () => r(true))) })
    const first = s.submit(async () => {
      throw problem(409, 'invalid_transition', '已发布')
    })
    await Promise.resolve()
    await Promise.resolve()
    expect(s.busy.value).toBe(true)
    release()
    expect(await first).toBe(false)
    expect(s.busy.value).toBe(false)
    expect(s.message.value).toBeNull()
  })
})
