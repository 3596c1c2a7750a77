// The typed API client: openapi-fetch over the types generated from /api/v1/openapi.json
// (src/api/schema.d.ts; `make test` fails when they are stale).
import createClient, { type Middleware } from 'openapi-fetch'

import { ApiError, isProblem } from './problem'
import type { components, paths } from './schema'

export type Schemas = components['schemas']
export type Appeal = Schemas['Appeal']
export type AppealDetail = Schemas['AppealResponse']
export type TimelineEvent = Schemas['TimelineEvent']
export type Me = Schemas['User']

type TokenSource = () => string | null
let tokenSource: TokenSource = () => null
let onUnauthorized: () => void = () => {}
let language: () => string = () => 'zh-CN'

export function configureClient(opts: {
  token: TokenSource
  unauthorized: () => void
  language: () => string
}): void {
  tokenSource = opts.token
  onUnauthorized = opts.unauthorized
  language = opts.language
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = tokenSource()
    if (token) request.headers.set('Authorization', `Bearer ${token}`)
    request.headers.set('Accept-Language', language() === 'en' ? 'en' : 'zh-CN')
    return request
  },
}

export const client = createClient<paths>({ baseUrl: '' })
client.use(auth)

/** The data of a call, or an ApiError carrying the problem (+ a 401 signs the user out). */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call
  if (response.ok) return data as T
  if (response.status === 401) onUnauthorized()
  const problem = isProblem(error)
    ? error
    : {
        type: 'about:blank',
        title: response.statusText,
        status: response.status,
        detail: response.statusText,
        code: 'http_error',
      }
  throw new ApiError(response.status, problem)
}
