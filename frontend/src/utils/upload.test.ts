import { afterEach, describe, expect, it, vi } from 'vitest'

import { contentTypeOf, fileProblem, IMPORT_MAX_BYTES, importFileProblem, postToBucket, typeNames, UploadError } from './upload'

describe('importFileProblem', () => {
  it('takes CSV and XLSX of 1 byte to 20 MB, by name', () => {
    expect(importFileProblem({ name: '名录.CSV', size: 10 })).toBeNull()
    expect(importFileProblem({ name: 'a.b.xlsx', size: IMPORT_MAX_BYTES })).toBeNull()
    expect(importFileProblem({ name: '名录.xls', size: 10 })).toBe('type')
    expect(importFileProblem({ name: '名录', size: 10 })).toBe('type')
    expect(importFileProblem({ name: 'a.csv', size: 0 })).toBe('empty')
    expect(importFileProblem({ name: 'a.csv', size: IMPORT_MAX_BYTES + 1 })).toBe('size')
  })
})

class FakeXhr {
  static last: FakeXhr
  method = ''
  url = ''
  body: FormData | null = null
  status = 0
  responseText = ''
  upload: { onprogress?: (e: { lengthComputable: boolean; loaded: number; total: number }) => void } = {}
  onload?: () => void
  onerror?: () => void
  constructor() {
    FakeXhr.last = this
  }
  open(method: string, url: string): void {
    this.method = method
    this.url = url
  }
  send(body: FormData): void {
    this.body = body
  }
}

describe('postToBucket', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('sends every signed field and then the file, and reports progress', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr)
    const seen: number[] = []
    const done = postToBucket(
      { url: 'https://b.s3.us-east-1.amazonaws.com/', fields: { key: 'uploads/x/a.csv', policy: 'p' } },
      new Blob(['a,b']),
      (p) => seen.push(p),
    )
    const xhr = FakeXhr.last
    expect([xhr.method, xhr.url]).toEqual(['POST', 'https://b.s3.us-east-1.amazonaws.com/'])
    expect([...(xhr.body as FormData).keys()]).toEqual(['key', 'policy', 'file'])
    xhr.upload.onprogress?.({ lengthComputable: true, loaded: 1, total: 2 })
    xhr.status = 204
    xhr.onload?.()
    await done
    expect(seen).toEqual([50, 100])
  })

  it('rejects with the code S3 gives', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr)
    const done = postToBucket({ url: 'u', fields: {} }, new Blob(['x']))
    const xhr = FakeXhr.last
    xhr.status = 400
    xhr.responseText = '<Error><Code>EntityTooLarge</Code></Error>'
    xhr.onload?.()
    await expect(done).rejects.toEqual(new UploadError(400, 'EntityTooLarge'))
  })
})

describe('the purposes’ table', () => {
  it('chooses the type by name and checks each purpose’s limit', () => {
    expect(contentTypeOf('policy_attachment', '正式文件.OFD')).toBe('application/ofd')
    expect(contentTypeOf('appeal_attachment', '正式文件.ofd')).toBeNull()
    expect(contentTypeOf('appeal_attachment', '照片.JPEG')).toBe('image/jpeg')
    expect(fileProblem('policy_attachment', { name: 'a.pdf', size: 50 * 1024 * 1024 })).toBeNull()
    expect(fileProblem('appeal_attachment', { name: 'a.pdf', size: 20 * 1024 * 1024 + 1 })).toBe('size')
    expect(typeNames('appeal_attachment')).toEqual(['JPG', 'PNG', 'PDF', 'DOC', 'DOCX', 'XLS', 'XLSX'])
  })
})
