// Who is signed in. Local stack: a demo user picked on the sign-in page (dev endpoints).
// Deployed: OpenID Connect authorization code flow with PKCE (oidc-client-ts).
import { reactive } from 'vue'

import { client, unwrap, type Me } from '@/api/client'
import { loadConfig, type OidcConfig } from '@/config'

const TOKEN_KEY = 'xqt.token'

export const session = reactive<{ token: string | null; user: Me | null }>({
  token: sessionStorage.getItem(TOKEN_KEY),
  user: null,
})

function keep(token: string | null): void {
  session.token = token
  if (token) sessionStorage.setItem(TOKEN_KEY, token)
  else sessionStorage.removeItem(TOKEN_KEY)
}

export async function loadMe(): Promise<Me | null> {
  if (!session.token) return null
  if (session.user) return session.user
  session.user = await unwrap(client.GET('/api/v1/me'))
  return session.user
}

/** On a public page: who is signed in, if anyone. A sign-in no longer valid is forgotten
 * without sending the reader to the sign-in page; a network failure leaves things as they are. */
export async function peekMe(): Promise<Me | null> {
  if (!session.token) return null
  if (session.user) return session.user
  try {
    const { data, response } = await client.GET('/api/v1/me')
    if (response.ok && data) session.user = data
    else if (response.status === 401) signOut()
  } catch {
    // offline: the page is public anyway
  }
  return session.user
}

export async function signInAsDemoUser(username: string): Promise<Me> {
  const { token } = await unwrap(client.POST('/api/v1/dev/token', { body: { username } }))
  keep(token)
  session.user = null
  return (await loadMe()) as Me
}

async function userManager(config: OidcConfig) {
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts')
  return new UserManager({
    authority: config.authority,
    client_id: config.client_id,
    redirect_uri: `${window.location.origin}/callback`,
    post_logout_redirect_uri: `${window.location.origin}/`,
    response_type: 'code', // authorization code flow; oidc-client-ts adds PKCE (S256)
    scope: config.scope ?? 'openid profile',
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  })
}

/** Where to go after signing in (`?next=`): a path of this site only. An absolute URL, a
 * scheme-relative `//host`, a backslash (read as `/` by browsers) or anything not starting
 * with `/` is ignored (null), so a link can never send a signed-in user elsewhere. */
export function safeNext(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) return null
  if (/[\\\u0000-\u001f]/.test(value)) return null
  try {
    const url = new URL(value, window.location.origin)
    if (url.origin !== window.location.origin) return null
    return `${url.pathname}${url.search}${url.hash}`
  } catch {
    return null
  }
}

/** To the provider; `next` (a path of this site) comes back in the request's state. */
export async function signInWithProvider(next?: string | null): Promise<void> {
  const config = await loadConfig()
  if (config.auth.mode !== 'oidc') throw new Error('not an OIDC deployment')
  const state = safeNext(next)
  await (await userManager(config.auth)).signinRedirect(state ? { state: { next: state } } : undefined)
}

/** Back from the provider: who signed in, and the page asked for before (`next`, checked again). */
export async function completeProviderSignIn(): Promise<(Me & { next: string | null }) | null> {
  const config = await loadConfig()
  if (config.auth.mode !== 'oidc') return null
  const user = await (await userManager(config.auth)).signinRedirectCallback()
  keep(config.auth.token === 'access_token' ? user.access_token : (user.id_token ?? null))
  session.user = null
  const me = await loadMe()
  if (!me) return null
  const state = user.state as { next?: unknown } | undefined
  return { ...me, next: safeNext(state?.next) }
}

export function signOut(): void {
  keep(null)
  session.user = null
}

export function homeOf(role: string | undefined): string {
  // every role lands on its home: the enterprise's service home, staff's counters
  return role ? '/home' : '/login'
}
