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
})
