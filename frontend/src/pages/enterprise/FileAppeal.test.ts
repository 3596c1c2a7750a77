import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { ApiError } from '@/api/problem'
import { i18n, setLocale } from '@/i18n'

const post = vi.fn()
vi.mock('@/api/client', () => ({
  client: { POST: (...args: unknown[]) => post(...args) },
  unwrap: async (call: Promise<unknown>) => call,
}))

const FileAppeal = (await import('./FileAppeal.vue')).default

/** The error each form item shows, by its label (Element Plus renders it under the field). */
function errorsByLabel(wrapper: ReturnType<typeof mount>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of wrapper.findAllComponents({ name: 'ElFormItem' })) {
    const error = item.props('error') as string | undefined
    if (error) out[item.props('label') as string] = error
  }
  return out
}

function setup() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/my/appeals/new', component: FileAppeal },
      { path: '/appeals/:id', component: { template: '<p>detail</p>' } },
    ],
  })
  return { router, wrapper: mount(FileAppeal, { global: { plugins: [i18n, router] }, attachTo: document.body }) }
}

describe('FileAppeal', () => {
  beforeEach(() => {
    post.mockReset()
    setLocale('zh-CN')
  })

  it('says what is missing before asking the server', async () => {
    const { wrapper } = setup()
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(post).not.toHaveBeenCalled()
    expect(errorsByLabel(wrapper)).toEqual({ 诉求类别: '必填', 标题: '必填', 诉求内容: '必填' })
  })

  it('shows the server refusal next to the field it names', async () => {
    post.mockRejectedValue(
      new ApiError(400, {
        type: 'x',
        title: '请求参数有误',
        status: 400,
        detail: 'contact_phone: 不是有效的电话号码',
        code: 'validation_error',
        errors: [{ field: 'contact_phone', code: 'phone_invalid', message: '不是有效的电话号码' }],
      }),
    )
    const { wrapper } = setup()
    const vm = wrapper.vm as unknown as { $: { setupState: { form: Record<string, string> } } }
    Object.assign(vm.$.setupState.form, { category: 'land', title: '用地', content: '扩建', contact_phone: '12' })
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(post).toHaveBeenCalledOnce()
    expect(errorsByLabel(wrapper)).toEqual({ 联系电话: '不是有效的电话号码' })
  })

  it('opens the new appeal once filed', async () => {
    post.mockResolvedValue({ id: 'XQT-20261127-0001' })
    const { wrapper, router } = setup()
    const vm = wrapper.vm as unknown as { $: { setupState: { form: Record<string, string> } } }
    Object.assign(vm.$.setupState.form, { category: 'land', title: '用地', content: '扩建' })
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    const [, options] = post.mock.calls[0] as [string, { body: Record<string, unknown> }]
    expect(options.body).toMatchObject({ category: 'land', title: '用地', content: '扩建', urgency: 'normal' })
    expect(options.body.contact_phone).toBeUndefined()
    expect(options.body).not.toHaveProperty('attachments')
    expect(router.currentRoute.value.fullPath).toBe('/appeals/XQT-20261127-0001')
  })

  it('waits while a file is still uploading, then files with it', async () => {
    post.mockResolvedValue({ id: 'XQT-20261127-0002' })
    const { wrapper } = setup()
    const vm = wrapper.vm as unknown as { $: { setupState: { form: Record<string, string> } } }
    Object.assign(vm.$.setupState.form, { category: 'land', title: '用地', content: '扩建' })
    const upload = wrapper.findComponent({ name: 'AttachmentUpload' })
    upload.vm.$emit('busy', true)
    await flushPromises()
    expect(wrapper.find('[data-testid="uploading-wait"]').text()).toBe('文件上传中,请稍候再提交')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(post).not.toHaveBeenCalled()
    upload.vm.$emit('update:modelValue', ['U0000000000000003'])
    upload.vm.$emit('busy', false)
    await flushPromises()
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    const [, options] = post.mock.calls[0] as [string, { body: Record<string, unknown> }]
    expect(options.body.attachments).toEqual(['U0000000000000003'])
  })

  it('sends the attached files and words an error of one by its number', async () => {
    post.mockRejectedValue(
      new ApiError(400, {
        type: 'x',
        title: '请求参数有误',
        status: 400,
        detail: 'attachments.1',
        code: 'validation_error',
        errors: [{ field: 'attachments.1', code: 'upload_content_mismatch', message: '文件内容与类型不符' }],
      }),
    )
    const { wrapper } = setup()
    const vm = wrapper.vm as unknown as { $: { setupState: { form: Record<string, string> } } }
    Object.assign(vm.$.setupState.form, { category: 'land', title: '用地', content: '扩建' })
    wrapper.findComponent({ name: 'AttachmentUpload' }).vm.$emit('update:modelValue', ['U0000000000000001', 'U0000000000000002'])
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    const [, options] = post.mock.calls[0] as [string, { body: Record<string, unknown> }]
    expect(options.body.attachments).toEqual(['U0000000000000001', 'U0000000000000002'])
    expect(errorsByLabel(wrapper)).toEqual({ '附件(照片、PDF 或 Office 文件,选填)': '第 2 个文件:文件内容与类型不符' })
  })
})

describe('FileAppeal retries', () => {
  beforeEach(() => {
    post.mockReset()
    setLocale('zh-CN')
  })

  it('sends the same Idempotency-Key when the same filing is sent again', async () => {
    post.mockRejectedValueOnce(new TypeError('Failed to fetch')).mockResolvedValue({ id: 'XQT-20261127-0002' })
    const { wrapper } = setup()
    const vm = wrapper.vm as unknown as { $: { setupState: { form: Record<string, string> } } }
    Object.assign(vm.$.setupState.form, { category: 'land', title: '用地', content: '扩建' })
    await wrapper.find('form').trigger('submit') // the connection drops
    await flushPromises()
    await wrapper.find('form').trigger('submit') // the user presses 提交 again
    await flushPromises()
    type Options = { params: { header: Record<string, string> } }
    const keys = post.mock.calls.map(([, o]) => (o as Options).params.header['Idempotency-Key'])
    expect(keys).toHaveLength(2)
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/)
    expect(keys[1]).toBe(keys[0])
  })
})
