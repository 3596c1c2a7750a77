// Uploading a file straight to the bucket with the presigned POST the API signed for it
// (POST /api/v1/uploads): a multipart form with every signed field, then the file, sent to
// the bucket's own origin (the CSP's connect-src names it). XMLHttpRequest rather than
// fetch, for the upload's progress.

import { client, unwrap, type Schemas } from '@/api/client'

import purposes from './upload-purposes.json'

export interface PresignedPost {
  url: string
  fields: Record<string, string>
}

/** What each purpose of `POST /api/v1/uploads` takes: content type → file-name extensions,
 * and the largest size. The same table as `chalicelib/domain/uploads.py` (PURPOSES); a
 * Python test fails when the two differ. */
export type UploadPurpose = keyof typeof purposes
export interface PurposeLimits {
  types: Record<string, string[]>
  max_bytes: number
}
export const UPLOAD_PURPOSES: Record<UploadPurpose, PurposeLimits> = purposes

export type FileProblem = 'type' | 'empty' | 'size'

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot < 0 ? '' : name.slice(dot).toLowerCase()
}

/** The content type a file is declared as, chosen from its name: the browser's own guess
 * (`File.type`) differs between systems — Windows with Excel calls a CSV
 * `application/vnd.ms-excel` — so the name decides. Null when the purpose does not take it. */
export function contentTypeOf(purpose: UploadPurpose, name: string): string | null {
  const ext = extensionOf(name)
  const found = Object.entries(UPLOAD_PURPOSES[purpose].types).find(([, exts]) => exts.includes(ext))
  return found ? found[0] : null
}

/** What is wrong with a file for a purpose before anything is sent: `type`, `empty`,
 * `size`, or null. */
export function fileProblem(purpose: UploadPurpose, file: { name: string; size: number }): FileProblem | null {
  if (!contentTypeOf(purpose, file.name)) return 'type'
  if (file.size === 0) return 'empty'
  if (file.size > UPLOAD_PURPOSES[purpose].max_bytes) return 'size'
  return null
}

/** The `accept` attribute of a file input for a purpose (extensions). */
export function acceptOf(purpose: UploadPurpose): string {
  return Object.values(UPLOAD_PURPOSES[purpose].types).flat().join(',')
}

/** The types a purpose takes, as upper-case extensions for people (`JPG、PNG、PDF`). */
export function typeNames(purpose: UploadPurpose): string[] {
  const names = Object.values(UPLOAD_PURPOSES[purpose].types).map((exts) => (exts[0] ?? '').slice(1).toUpperCase())
  return [...new Set(names)]
}

export function maxMegabytes(purpose: UploadPurpose): number {
  return UPLOAD_PURPOSES[purpose].max_bytes / 1024 / 1024
}

/** A size for people: `512 B`, `1.5 KB`, `2.0 MB`. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** The content types an enterprise import takes, by file-name extension. */
export const IMPORT_TYPES: Record<string, string> = Object.fromEntries(
  Object.entries(UPLOAD_PURPOSES.enterprise_import.types).flatMap(([type, exts]) => exts.map((e) => [e, type])),
)
export const IMPORT_MAX_BYTES = UPLOAD_PURPOSES.enterprise_import.max_bytes

export function importFileProblem(file: { name: string; size: number }): FileProblem | null {
  return fileProblem('enterprise_import', file)
}

export class UploadError extends Error {
  readonly status: number

  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

/** POST the file; resolves when the bucket has it, `onProgress` told 0–100 on the way. */
export function postToBucket(post: PresignedPost, file: Blob, onProgress?: (percent: number) => void): Promise<void> {
  const form = new FormData()
  for (const [name, value] of Object.entries(post.fields)) form.append(name, value)
  form.append('file', file) // last: S3 ignores fields after the file
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', post.url)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(Math.round((e.loaded * 100) / e.total))
    }
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(100)
        resolve()
      } else {
        // S3 explains a refusal (a policy condition failed, the signature expired) in XML
        const code = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText ?? '')?.[1]
        reject(new UploadError(xhr.status, code ?? `HTTP ${xhr.status}`))
      }
    }
    xhr.onerror = () => reject(new UploadError(0, 'network'))
    xhr.send(form)
  })
}

/** Ask the API for a presigned POST of a file (`POST /api/v1/uploads`: a 400 names
 * `filename`, `content_type` or `size`) and send the file to the bucket; resolves with the
 * ticket (its `id` is what a resource names) once the bucket has it. The file's type is
 * chosen from its name (`contentTypeOf`). */
export async function uploadFile(
  purpose: UploadPurpose,
  file: File,
  onProgress?: (percent: number) => void,
): Promise<Schemas['UploadTicket']> {
  const signed = await unwrap(
    client.POST('/api/v1/uploads', {
      body: {
        purpose,
        filename: file.name,
        content_type: contentTypeOf(purpose, file.name) ?? 'application/octet-stream',
        size: file.size,
      },
    }),
  )
  await postToBucket(signed, file, onProgress)
  return signed
}
