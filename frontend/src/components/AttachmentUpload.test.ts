import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'

import { ApiError } from '@/api/problem'
import common from '@/i18n/messages/common'
import type { UploadPurpose } from '@/utils/upload'

const post = vi.fn()
vi.mock('@/api/client', () => ({
  client: { POST: (...a: unknown[]) => post(...a) },
  unwrap: async (call: Promise<unknown>) => call,
}))
const AttachmentUpload = (await import('./AttachmentUpload.vue')).default

/** XMLHttpRequest as the bucket: each POST waits until the test answers it. */
class FakeXhr {
  static sent: FakeXhr[] = []
  url = ''
  body: FormData | null = null
  status = 0
  responseText = ''
  upload: { onprogress?: (e: { lengthComputable: boolean; loaded: number; total: number }) => void } = {}
  onload?: () => void
  onerror?: () => void
  open(_method: string, url: string): void {
    this.url = url
  }
  send(body: FormData): void {
    this.body = body
    FakeXhr.sent.push(this)
  }
  answer(status: number): void {
    this.status = status
    this.onload?.()
  }
}

const MB = 1024 * 1024

function file(name: string, size: number): File {
  const f = new File(['%PDF'], name)
  Object.defineProperty(f, 'size', { value: size })
  return f
}

function ticket(id: string, filename: string) {
  return { id, key: `uploads/policy_attachment/${id}/x.pdf`, filename, url: 'https://bucket/', fields: { key: 'k' }, expires_at: 'x' }
}

async function setup(props: { purpose?: UploadPurpose; max?: number } = {}): Promise<VueWrapper> {
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { common: common.zh } } })
  const wrapper: VueWrapper = mount(AttachmentUpload, {
    props: {
      purpose: 'policy_attachment' as UploadPurpose,
      modelValue: [],
      'onUpdate:modelValue': (ids: string[]) => wrapper.setProps({ modelValue: ids }),
      ...props,
    },
    global: { plugins: [i18n] },
  }) as unknown as VueWrapper
  return wrapper
}

async function choose(w: VueWrapper, ...files: File[]): Promise<void> {
  const input = w.find('[data-testid=attachment-input]')
  Object.defineProperty(input.element, 'files', { value: files, configurable: true })
  await input.trigger('change')
  await flushPromises()
}

describe('AttachmentUpload', { timeout: 20_000 }, () => {
  beforeEach(() => {
    FakeXhr.sent = []
    post.mockReset()
    vi.stubGlobal('XMLHttpRequest', FakeXhr)
  })
  afterEach(() => vi.unstubAllGlobals())

  it('shows the purpose’s limits from the shared table', async () => {
    const w = await setup({ max: 3 })
    expect(w.text()).toContain('支持 JPG、PNG、PDF、DOC、DOCX、XLS、XLSX、OFD，单个文件不超过 50 MB，最多 3 个')
    expect(w.find('[data-testid=attachment-input]').attributes('accept')).toContain('.ofd')
    const appeal = await setup({ purpose: 'appeal_attachment' })
    expect(appeal.text()).toContain('单个文件不超过 20 MB')
    expect(appeal.find('[data-testid=attachment-input]').attributes('accept')).not.toContain('.ofd')
  })

  it('asks for each file, posts it to the bucket with its progress, and v-models the ids', async () => {
    post.mockImplementation(async (_path: string, { body }: { body: { filename: string } }) =>
      ticket(body.filename === '申报表.pdf' ? 'U0000000000000001' : 'U0000000000000002', body.filename),
    )
    const w = await setup()
    await choose(w, file('申报表.pdf', 2 * MB), file('正式文件.OFD', 3 * MB))
    expect(post.mock.calls.map(([path, { body }]) => [path, body])).toEqual([
      ['/api/v1/uploads', { purpose: 'policy_attachment', filename: '申报表.pdf', content_type: 'application/pdf', size: 2 * MB }],
      ['/api/v1/uploads', { purpose: 'policy_attachment', filename: '正式文件.OFD', content_type: 'application/ofd', size: 3 * MB }],
    ])
    expect(w.emitted('busy')?.[0]).toEqual([true])
    const [first, second] = FakeXhr.sent as [FakeXhr, FakeXhr]
    expect([...(first.body as FormData).keys()]).toEqual(['key', 'file'])
    first.upload.onprogress?.({ lengthComputable: true, loaded: 1, total: 4 })
    await vi.dynamicImportSettled() // the progress bar is loaded with the first file sent
    await flushPromises()
    expect(w.find('[data-file="申报表.pdf"] [role=progressbar]').attributes('aria-valuenow')).toBe('25')
    first.answer(204)
    await flushPromises()
    expect(w.emitted('update:modelValue')?.at(-1)).toEqual([['U0000000000000001']])
    second.answer(204)
    await flushPromises()
    expect(w.emitted('update:modelValue')?.at(-1)).toEqual([['U0000000000000001', 'U0000000000000002']])
    expect(w.findAll('[data-status=done]')).toHaveLength(2)
    expect(w.emitted('busy')?.at(-1)).toEqual([false])

    // removing a file takes its id out; the parent clearing the list clears the rest
    await w.find('[data-file="申报表.pdf"] [data-testid=attachment-remove]').trigger('click')
    expect(w.emitted('update:modelValue')?.at(-1)).toEqual([['U0000000000000002']])
    await w.setProps({ modelValue: [] })
    expect(w.findAll('[data-file]')).toHaveLength(0)
  })

  it('refuses a wrong type, an empty or too large file, or one too many, before sending anything', async () => {
    const w = await setup({ max: 1 })
    post.mockResolvedValue(ticket('U0000000000000003', 'a.pdf'))
    await choose(w, file('程序.exe', 10), file('空.pdf', 0), file('大.pdf', 50 * MB + 1), file('a.pdf', 10), file('b.pdf', 10))
    const error = (name: string) => w.find(`[data-file="${name}"] [data-testid=attachment-error]`).text()
    expect(error('程序.exe')).toBe('不支持这种文件类型（支持 JPG、PNG、PDF、DOC、DOCX、XLS、XLSX、OFD）')
    expect(error('空.pdf')).toBe('文件是空的')
    expect(error('大.pdf')).toBe('文件超过 50 MB')
    expect(error('b.pdf')).toBe('最多 1 个附件')
    expect(post).toHaveBeenCalledTimes(1) // a.pdf only
  })

  it('shows what the API or the bucket refused at that file, and sends it again on request', async () => {
    const w = await setup()
    post.mockRejectedValueOnce(
      new ApiError(400, {
        type: 'x',
        title: 'x',
        status: 400,
        detail: 'x',
        code: 'validation_error',
        errors: [{ field: 'size', code: 'upload_too_large', message: '文件不能超过 50 MB' }],
      }),
    )
    await choose(w, file('a.pdf', 10))
    expect(w.find('[data-testid=attachment-error]').text()).toBe('上传失败：文件不能超过 50 MB')
    expect(w.emitted('update:modelValue')).toBeUndefined()

    post.mockResolvedValueOnce(ticket('U0000000000000004', 'a.pdf'))
    await w.find('[data-file="a.pdf"] button').trigger('click') // 重试
    await flushPromises()
    const xhr = FakeXhr.sent[0] as FakeXhr
    xhr.responseText = '<Error><Code>AccessDenied</Code></Error>'
    xhr.answer(403)
    await flushPromises()
    expect(w.find('[data-testid=attachment-error]').text()).toBe('上传失败：AccessDenied')
    expect(w.emitted('update:modelValue')).toBeUndefined()
  })
})
