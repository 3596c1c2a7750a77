import { flushPromises, mount } from '@vue/test-utils'
import { ElMessageBox } from 'element-plus'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import type { AppealDetail } from '@/api/client'
import { ApiError } from '@/api/problem'
import { i18n, setLocale } from '@/i18n'

const post = vi.fn()
vi.mock('@/api/client', () => ({
  client: { POST: (...args: unknown[]) => post(...args) },
  unwrap: async (call: Promise<unknown>) => call,
}))

const EnterpriseActions = (await import('./EnterpriseActions.vue')).default

function appeal(actions: string[], over: Partial<AppealDetail> = {}): AppealDetail {
  return { id: 'XQT-20261207-0001', version: 3, status: 'processing', actions, ...over } as unknown as AppealDetail
}

function setup(a: AppealDetail) {
  return mount(EnterpriseActions, { props: { appeal: a }, global: { plugins: [i18n] }, attachTo: document.body })
}

type State = { content: string; reason: string; files: string[] }
function state(wrapper: ReturnType<typeof setup>): State {
  return (wrapper.vm as unknown as { $: { setupState: State } }).$.setupState
}

/** The error each form item shows, by its label. */
function errorsByLabel(wrapper: ReturnType<typeof mount>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of wrapper.findAllComponents({ name: 'ElFormItem' })) {
    const error = item.props('error') as string | undefined
    if (error) out[item.props('label') as string] = error
  }
  return out
}

describe('EnterpriseActions', () => {
  beforeEach(() => {
    post.mockReset()
    vi.restoreAllMocks()
    setLocale('zh-CN')
  })

  it('offers only the steps the API lists, and nothing of the staff’s', () => {
    const before = setup(appeal(['supplement', 'withdraw']))
    expect(before.findAll('[data-step]').map((b) => b.text())).toEqual(['补充材料', '撤回诉求'])
    const replied = setup(appeal(['confirm', 'supplement'], { status: 'replied' }))
    expect(replied.findAll('[data-step]').map((b) => b.attributes('data-step'))).toEqual(['supplement'])
    expect(setup(appeal(['confirm'])).find('[data-testid="enterprise-actions"]').exists()).toBe(false)
  })

  it('sends a supplement with its files and hands back the appeal', async () => {
    const updated = appeal(['supplement', 'withdraw'], { version: 4 })
    post.mockResolvedValue(updated)
    const wrapper = setup(appeal(['supplement', 'withdraw']))
    await wrapper.find('[data-step="supplement"]').trigger('click')
    Object.assign(state(wrapper), { content: '  补充:现场照片。 ', files: ['U0000000000000001'] })
    await wrapper.find('form[data-form="supplement"]').trigger('submit')
    await flushPromises()
    const [path, options] = post.mock.calls[0] as [string, { body: Record<string, unknown>; params: unknown }]
    expect(path).toBe('/api/v1/appeals/{appeal_id}/events')
    expect(options.params).toEqual({ path: { appeal_id: 'XQT-20261207-0001' } })
    expect(options.body).toEqual({
      type: 'supplement',
      version: 3,
      content: '补充:现场照片。',
      attachments: ['U0000000000000001'],
    })
    expect(wrapper.emitted('updated')?.[0]).toEqual([updated])
  })

  it('says what is missing, and a refused file by its number', async () => {
    const wrapper = setup(appeal(['supplement']))
    await wrapper.find('[data-step="supplement"]').trigger('click')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(post).not.toHaveBeenCalled()
    expect(errorsByLabel(wrapper)).toEqual({ 补充说明: '必填' })

    post.mockRejectedValue(
      new ApiError(400, {
        type: 'x',
        title: '请求参数有误',
        status: 400,
        detail: 'attachments.1: 文件不存在',
        code: 'validation_error',
        errors: [{ field: 'attachments.1', code: 'upload_not_found', message: '文件不存在' }],
      }),
    )
    Object.assign(state(wrapper), { content: '补充', files: ['U0000000000000001', 'U0000000000000002'] })
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(errorsByLabel(wrapper)).toEqual({ '补充材料（照片、PDF 或 Office 文件，选填）': '第 2 个文件：文件不存在' })
    expect(wrapper.emitted('updated')).toBeUndefined()
  })

  it('withdraws only after the confirmation', async () => {
    const confirm = vi.spyOn(ElMessageBox, 'confirm')
    confirm.mockRejectedValueOnce('cancel')
    const closed = appeal([], { status: 'closed', closed_as: 'withdrawn', version: 4 })
    post.mockResolvedValue(closed)
    const wrapper = setup(appeal(['supplement', 'withdraw']))
    await wrapper.find('[data-step="withdraw"]').trigger('click')
    expect(wrapper.text()).toContain('撤回后诉求即办结，不再办理，也不能恢复')
    state(wrapper).reason = '问题已自行解决'
    await wrapper.find('form[data-form="withdraw"]').trigger('submit')
    await flushPromises()
    expect(confirm).toHaveBeenCalledOnce()
    expect(confirm.mock.calls[0]?.[0]).toBe('确定撤回诉求 XQT-20261207-0001 吗？撤回后不能恢复。')
    expect(post).not.toHaveBeenCalled() // kept

    confirm.mockResolvedValueOnce('confirm' as never)
    await wrapper.find('form[data-form="withdraw"]').trigger('submit')
    await flushPromises()
    const [, options] = post.mock.calls[0] as [string, { body: Record<string, unknown> }]
    expect(options.body).toEqual({ type: 'withdraw', version: 3, reason: '问题已自行解决' })
    expect(wrapper.emitted('updated')?.[0]).toEqual([closed])
  })

  it('asks for the appeal again after someone changed it', async () => {
    vi.spyOn(ElMessageBox, 'confirm').mockResolvedValue('confirm' as never)
    post.mockRejectedValue(
      new ApiError(409, { type: 'x', title: '冲突', status: 409, detail: '已被修改', code: 'version_conflict' }),
    )
    const wrapper = setup(appeal(['withdraw']))
    await wrapper.find('[data-step="withdraw"]').trigger('click')
    state(wrapper).reason = '不需要了'
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.emitted('stale')).toHaveLength(1)
  })
})
