import { beforeEach, describe, expect, it, vi } from 'vitest'

import { setConfigForTests } from '@/config'

const settings: Record<string, unknown>[] = []
const redirect = vi.fn()
const callback = vi.fn()
vi.mock('oidc-client-ts', () => ({
  WebStorageStateStore: class {
    constructor(public opts: unknown) {}
  },
  UserManager: class {
    constructor(s: Record<string, unknown>) {
      settings.push(s)
    }
    signinRedirect = redirect
    signinRedirectCallback = callback
  },
}))
const me = { username: 'u1', role: 'enterprise', display_name: '张伟' }
vi.mock('@/api/client', () => ({
  client: { GET: vi.fn(async () => me), POST: vi.fn() },
  unwrap: async (call: Promise<unknown>) => call,
}))

const { completeProviderSignIn, homeOf, peekMe, safeNext, session, signInWithProvider, signOut } = await import('./session')
const { client } = await import('@/api/client')

const OIDC = {
  auth: { mode: 'oidc' as const, authority: 'https://id.example.gov.cn', client_id: 'spa', token: 'access_token' as const },
}

describe('sign-in with the identity provider', () => {
  beforeEach(() => {
    settings.length = 0
    redirect.mockReset()
    callback.mockReset()
    signOut()
  })

  it('uses the authorization code flow back to /callback, configured at run time', async () => {
    setConfigForTests(OIDC)
    await signInWithProvider()
    expect(redirect).toHaveBeenCalledOnce()
    expect(settings[0]).toMatchObject({
      authority: 'https://id.example.gov.cn',
      client_id: 'spa',
      response_type: 'code',
      redirect_uri: `${window.location.origin}/callback`,
    })
  })

  it('keeps the token the API accepts and loads who is signed in', async () => {
    setConfigForTests(OIDC)
    callback.mockResolvedValue({ access_token: 'AT', id_token: 'IT' })
    const user = await completeProviderSignIn()
    expect(session.token).toBe('AT')
    expect(user).toEqual({ ...me, next: null })
    setConfigForTests({ auth: { ...OIDC.auth, token: 'id_token' } })
    signOut()
    await completeProviderSignIn()
    expect(session.token).toBe('IT')
  })

  it('carries ?next= through the provider, a path of this site only', async () => {
    setConfigForTests(OIDC)
    await signInWithProvider('/appeals?due=today')
    expect(redirect).toHaveBeenLastCalledWith({ state: { next: '/appeals?due=today' } })
    await signInWithProvider('https://evil.example/x')
    expect(redirect).toHaveBeenLastCalledWith(undefined)
    callback.mockResolvedValue({ access_token: 'AT', state: { next: '/my/appeals' } })
    expect((await completeProviderSignIn())?.next).toBe('/my/appeals')
    signOut()
    // a state altered on the way is checked again
    callback.mockResolvedValue({ access_token: 'AT', state: { next: '//evil.example/x' } })
    expect((await completeProviderSignIn())?.next).toBeNull()
  })

  it('takes as next only a relative path of this site', () => {
    expect(safeNext('/appeals/XQT-20261102-0001?x=1#t')).toBe('/appeals/XQT-20261102-0001?x=1#t')
    for (const bad of ['https://evil.example/', '//evil.example/a', '/\\evil.example', 'javascript:alert(1)', 'appeals', '', null, ['/a'], '/\tevil']) {
      expect(safeNext(bad), String(bad)).toBeNull()
    }
  })

  it('refuses the provider flow where the stage uses demo users', async () => {
    setConfigForTests({ auth: { mode: 'dev' } })
    await expect(signInWithProvider()).rejects.toThrow()
    expect(await completeProviderSignIn()).toBeNull()
  })

  it('sends each role to its own first page', () => {
    expect(homeOf('enterprise')).toBe('/home')
    expect(homeOf('operator')).toBe('/home')
    expect(homeOf('admin')).toBe('/home')
    expect(homeOf(undefined)).toBe('/login')
  })
})

describe('a public page (the policies)', () => {
  const answer = (status: number, data?: unknown) =>
    vi.mocked(client.GET).mockResolvedValueOnce({ data, response: { ok: status < 300, status } } as never)

  beforeEach(() => {
    signOut()
    vi.mocked(client.GET).mockClear()
  })

  it('asks nothing when nobody is signed in', async () => {
    expect(await peekMe()).toBeNull()
    expect(client.GET).not.toHaveBeenCalled()
  })

  it('shows who is signed in', async () => {
    session.token = 'T'
    answer(200, me)
    expect(await peekMe()).toEqual(me)
    expect(session.token).toBe('T')
  })

  it('forgets a sign-in that expired, without leaving the page', async () => {
    session.token = 'old'
    answer(401)
    expect(await peekMe()).toBeNull()
    expect(session.token).toBeNull()
  })

  it('keeps the sign-in when the network fails', async () => {
    session.token = 'T'
    vi.mocked(client.GET).mockRejectedValueOnce(new TypeError('Failed to fetch'))
    expect(await peekMe()).toBeNull()
    expect(session.token).toBe('T')
  })
})
