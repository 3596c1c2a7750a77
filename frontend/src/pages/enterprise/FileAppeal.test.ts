import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { ApiError } from '@/api/problem'
import { i18n, setLocale } from '@/i18n'

const post = vi.fn()
const get = vi.fn()
vi.mock('@/api/client', () => ({
  client: { POST: (...args: unknown[]) => post(...args), GET: (...args: unknown[]) => get(...args) },
  unwrap: async (call: Promise<unknown>) => call,
}))

const FileAppeal = (await import('./FileAppeal.vue')).default

/** The error each form item shows under its field, by its label, as the page renders them. */
function errorsByLabel(wrapper: ReturnType<typeof mount>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of wrapper.findAll('.el-form-item')) {
    const error = item.find('.el-form-item__error')
    if (error.exists()) out[item.find('.el-form-item__label').text()] = error.text()
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
    get.mockReset().mockRejectedValue(new Error('no enterprise in this test'))
    setLocale('zh-CN')
  })

  it('says what is missing before asking the server', async () => {
    const { wrapper } = setup()
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(post).not.toHaveBeenCalled()
    expect(errorsByLabel(wrapper)).toEqual({ 诉求类别: '请选择诉求类别', 标题: '请填写诉求标题', 诉求内容: '请填写诉求内容' })
    // the first field in error has the cursor, not the button
    expect(document.activeElement?.getAttribute('data-field')).toBe('category')
  })

  it('moves to the first field the server refused', async () => {
    post.mockRejectedValue(
      new ApiError(400, {
        type: 'x', title: '请求参数有误', status: 400, detail: 'title', code: 'validation_error',
        errors: [{ field: 'title', code: 'too_long', message: '不能超过 100 个字' }],
      }),
    )
    const { wrapper } = setup()
    const vm = wrapper.vm as unknown as { $: { setupState: { form: Record<string, string> } } }
    Object.assign(vm.$.setupState.form, { category: 'land', title: '用地', content: '扩建' })
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(document.activeElement?.closest('[data-field]')?.getAttribute('data-field') ?? document.activeElement?.getAttribute('data-field')).toBe('title')
  })

  it('prefills the contact from the enterprise’s register entry, the user’s own first', async () => {
    const { session } = await import('@/auth/session')
    session.user = { username: 'ent', display_name: '张伟(如东恒润机械)', role: 'enterprise', enterprise_uscc: '91320623MA1XXXXXX1', phone: '13900000002' } as never
    get.mockResolvedValue({ contacts: [{ name: '李强', phone: '13900000001' }, { name: '张伟', phone: '13900000002' }] })
    const { wrapper } = setup()
    await flushPromises()
    const vm = wrapper.vm as unknown as { $: { setupState: { form: Record<string, string> } } }
    expect(vm.$.setupState.form.contact_name).toBe('张伟')
    expect(vm.$.setupState.form.contact_phone).toBe('13900000002')
    session.user = null
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

  it('confirms the filing with the case number to note, and links to it', async () => {
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
    expect(wrapper.find('[data-testid=filed] h1').text()).toBe('提交成功，请记下诉求编号')
    expect(wrapper.find('[data-testid=filed-number]').text()).toBe('XQT-20261127-0001')
    await wrapper.find('[data-testid=open-filed]').trigger('click')
    await flushPromises()
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
    expect(wrapper.find('[data-testid="uploading-wait"]').text()).toBe('文件上传中，请稍候再提交')
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
    expect(errorsByLabel(wrapper)).toEqual({ '附件（照片、PDF 或 Office 文件，选填）': '第 2 个文件：文件内容与类型不符' })
  })
})

describe('FileAppeal retries', () => {
  beforeEach(() => {
    post.mockReset()
    get.mockReset().mockRejectedValue(new Error('no enterprise in this test'))
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

describe('FileAppeal fields', () => {
  it('labels each control, counts what is typed, and offers the contact’s own autocomplete only', async () => {
    setLocale('zh-CN')
    get.mockReset().mockRejectedValue(new Error('no enterprise in this test'))
    const { wrapper } = setup()
    const title = wrapper.get('[data-field=title]')
    expect(wrapper.get(`label[for="${title.attributes('id')}"]`).text()).toBe('标题')
    expect(title.attributes('autocomplete')).toBe('off')
    expect(wrapper.get('[data-field=contact_phone]').attributes('autocomplete')).toBe('tel')
    await title.setValue('用地指标')
    expect(title.element.closest('.el-input')?.querySelector('.el-input__count')?.textContent).toBe('4 / 100')
    // the urgency radios are one group named by their label
    const group = wrapper.get('[role=group] [role=radiogroup]').element.closest('[role=group]')!
    expect(document.getElementById(group.getAttribute('aria-labelledby')!)?.textContent).toBe('紧急程度')
    wrapper.unmount()
  })
})
