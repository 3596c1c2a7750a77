// Uploading a file straight to the bucket with the presigned POST the API signed for it
// (POST /api/v1/uploads): a multipart form with every signed field, then the file, sent to
// the bucket's own origin (the CSP's connect-src names it). XMLHttpRequest rather than
// fetch, for the upload's progress.

export interface PresignedPost {
  url: string
  fields: Record<string, string>
}

/** The content types an enterprise import takes, by file-name extension: the browser's own
 * guess (`File.type`) differs between systems — Windows with Excel calls a CSV
 * `application/vnd.ms-excel` — so the type is chosen from the name. */
export const IMPORT_TYPES: Record<string, string> = {
  '.csv': 'text/csv',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot < 0 ? '' : name.slice(dot).toLowerCase()
}

/** What is wrong with a file before anything is sent: `type`, `empty`, `size`, or null. */
export function importFileProblem(file: { name: string; size: number }): 'type' | 'empty' | 'size' | null {
  if (!(extensionOf(file.name) in IMPORT_TYPES)) return 'type'
  if (file.size === 0) return 'empty'
  if (file.size > IMPORT_MAX_BYTES) return 'size'
  return null
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
