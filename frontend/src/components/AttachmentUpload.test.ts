import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'

import { ApiError } from '@/api/problem'
import attachments from '@/i18n/messages/attachments'

const post = vi.fn()
vi.mock('@/api/client', () => ({
  client: { POST: (...a: unknown[]) => post(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const toBucket = vi.fn()
vi.mock('@/utils/upload', () => ({ postToBucket: (...a: unknown[]) => toBucket(...a) }))
const module = await import('./AttachmentUpload.vue')
const Upload = module.default
const { contentTypeOf, fileProblem } = module

const MB = 1024 * 1024

describe('the checks before an upload (domain/uploads.py)', () => {
  it('takes documents and pictures by extension, OFD for policies only', () => {
    expect(fileProblem('appeal_attachment', { name: '现场照片.JPG', size: 10 })).toBeNull()
    expect(fileProblem('application_attachment', { name: '报告.docx', size: 10 })).toBeNull()
    expect(fileProblem('appeal_attachment', { name: '公文.ofd', size: 10 })).toBe('type')
    expect(fileProblem('policy_attachment', { name: '公文.ofd', size: 10 })).toBeNull()
    expect(fileProblem('appeal_attachment', { name: 'setup.exe', size: 10 })).toBe('type')
    expect(fileProblem('appeal_attachment', { name: 'pdf', size: 10 })).toBe('type')
    expect(fileProblem('appeal_attachment', { name: 'a.pdf', size: 0 })).toBe('empty')
  })

  it('allows 20 MB for enterprises and 50 MB for policies', () => {
    expect(fileProblem('appeal_attachment', { name: 'a.pdf', size: 20 * MB })).toBeNull()
    expect(fileProblem('application_attachment', { name: 'a.pdf', size: 20 * MB + 1 })).toBe('size')
    expect(fileProblem('policy_attachment', { name: 'a.pdf', size: 50 * MB })).toBeNull()
    expect(fileProblem('policy_attachment', { name: 'a.pdf', size: 50 * MB + 1 })).toBe('size')
  })

  it('declares the type of the extension, not the browser guess', () => {
    expect(contentTypeOf('appeal_attachment', '照片.jpeg')).toBe('image/jpeg')
    expect(contentTypeOf('appeal_attachment', '表.XLS')).toBe('application/vnd.ms-excel')
    expect(contentTypeOf('policy_attachment', '文.ofd')).toBe('application/ofd')
  })
})

function mountUpload(props: Record<string, unknown> = {}) {
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { attachments: attachments.zh } } })
  return mount(Upload, { props: { purpose: 'appeal_attachment', ...props }, global: { plugins: [i18n] } })
}

async function pick(wrapper: ReturnType<typeof mountUpload>, ...files: File[]) {
  const input = wrapper.find('input[type=file]')
  Object.defineProperty(input.element, 'files', { value: files, configurable: true })
  await input.trigger('change')
  await flushPromises()
}

function ticket(id: string) {
  return { id, key: `uploads/appeal_attachment/${id}/a.pdf`, url: 'http://bucket/', fields: { key: 'k', policy: 'p' } }
}

describe('AttachmentUpload', () => {
  beforeEach(() => {
    post.mockReset()
    toBucket.mockReset()
    toBucket.mockResolvedValue(undefined)
  })

  it('asks for a ticket, posts the file to the bucket and emits the finished ids', async () => {
    post.mockResolvedValueOnce(ticket('U0000000000000001')).mockResolvedValueOnce(ticket('U0000000000000002'))
    const w = mountUpload()
    const first = new File(['%PDF-1.4'], '评估报告.pdf', { type: '' })
    await pick(w, first, new File(['x'], '照片.png', { type: 'image/png' }))
    expect(post.mock.calls[0]).toEqual([
      '/api/v1/uploads',
      { body: { purpose: 'appeal_attachment', filename: '评估报告.pdf', content_type: 'application/pdf', size: 8 } },
    ])
    expect(toBucket.mock.calls[0]?.[0]).toMatchObject({ url: 'http://bucket/', fields: { key: 'k', policy: 'p' } })
    expect(toBucket.mock.calls[0]?.[1]).toBe(first)
    const emitted = w.emitted('update:modelValue') as string[][][]
    expect(emitted.at(-1)?.[0]).toEqual(['U0000000000000001', 'U0000000000000002'])
    expect(w.findAll('[data-status=done]')).toHaveLength(2)
  })

  it('refuses a wrong file before asking, and emits nothing for it', async () => {
    const w = mountUpload()
    await pick(w, new File(['MZ'], 'setup.exe'))
    expect(post).not.toHaveBeenCalled()
    expect(w.find('[data-status=error]').text()).toContain('不支持的文件类型')
    expect(w.emitted('update:modelValue')).toBeUndefined()
  })

  it('shows the API field error or the bucket refusal, keeping the file out of the ids', async () => {
    post.mockRejectedValueOnce(
      new ApiError(400, {
        type: 'x', title: 'x', status: 400, detail: 'x', code: 'validation_error',
        errors: [{ field: 'size', code: 'upload_too_large', message: '文件不能超过 20 MB' }],
      }),
    )
    post.mockResolvedValueOnce(ticket('U0000000000000003'))
    toBucket.mockRejectedValueOnce(new Error('EntityTooLarge'))
    const w = mountUpload()
    await pick(w, new File(['a'], 'a.pdf'), new File(['b'], 'b.pdf'))
    const errors = w.findAll('[data-status=error]').map((e) => e.text())
    expect(errors[0]).toContain('文件不能超过 20 MB')
    expect(errors[1]).toContain('上传失败:EntityTooLarge')
    expect(w.emitted('update:modelValue')).toBeUndefined()
  })

  it('keeps to max and drops a removed file from the ids', async () => {
    post.mockResolvedValueOnce(ticket('U0000000000000004'))
    const w = mountUpload({ max: 1 })
    await pick(w, new File(['a'], 'a.pdf'), new File(['b'], 'b.pdf'))
    expect(post).toHaveBeenCalledTimes(1)
    expect(w.findAll('[data-status=error]')[0]?.text()).toContain('最多上传 1 个文件')
    await w.find('[data-status=done] [data-testid=attachment-remove]').trigger('click')
    const emitted = w.emitted('update:modelValue') as string[][][]
    expect(emitted.at(-1)?.[0]).toEqual([])
  })
})
