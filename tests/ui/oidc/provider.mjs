// A local OpenID provider for the browser tests (tests/ui/test_oidc_ui.py): the certified
// `oidc-provider` package (a devDependency of frontend/, installed by `npm ci`), with one
// public client (authorization code + PKCE S256), the accounts and RS256 keys the test hands
// it, and its own small sign-in and consent pages (no script, nothing fetched from the
// internet), which the test fills in as a person would.
//
//   node tests/ui/oidc/provider.mjs <settings.json>
//
// settings.json: {"issuer": "http://127.0.0.1:<port>", "port": <port>,
//   "client": {"client_id", "redirect_uris": [...], "post_logout_redirect_uris": [...]},
//   "accounts": {"<sub>": {"password", "name"}}, "jwks": {"keys": [<private RSA JWK>]},
//   "cookie_keys": ["<secret>"]}
// Prints "ready <issuer>" once it listens on 127.0.0.1.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

const settings = JSON.parse(readFileSync(process.argv[2], 'utf8'))
// oidc-provider lives in frontend/node_modules, which this file's own lookup does not reach
const frontend = createRequire(new URL('../../../frontend/package.json', import.meta.url))
const { default: Provider } = await import(pathToFileURL(frontend.resolve('oidc-provider')).href)

const accounts = settings.accounts
const HOUR = 3600

const provider = new Provider(settings.issuer, {
  clients: [
    {
      ...settings.client,
      token_endpoint_auth_method: 'none', // a public client: the SPA holds no secret
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  jwks: settings.jwks,
  cookies: { keys: settings.cookie_keys },
  pkce: { required: () => true },
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // the token endpoint answers the SPA's origin (its redirect URIs') and no other
  clientBasedCORS: (ctx, origin, client) =>
    client.redirectUris.some((uri) => new URL(uri).origin === origin),
  findAccount: (ctx, sub) =>
    accounts[sub] && {
      accountId: sub,
      claims: () => ({ sub, name: accounts[sub].name, preferred_username: sub }),
    },
  ttl: { AccessToken: HOUR, IdToken: HOUR, Interaction: HOUR, Session: HOUR, Grant: HOUR },
  renderError: (ctx, out) => {
    ctx.type = 'html'
    ctx.body = page('Error', `<p role="alert">${esc(out.error)}: ${esc(out.error_description)}</p>`)
  },
})
provider.on('server_error', (ctx, err) => console.error('server_error', err))

function esc(value) {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  )
}

function page(title, body) {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>${esc(title)} · Test OpenID Provider</title>
<style>body{font-family:sans-serif;max-width:360px;margin:40px auto}label,input,button{display:block;width:100%;margin:6px 0}</style>
</head><body><main><h1>${esc(title)}</h1>${body}</main></body></html>`
}

function loginForm(uid, error = '', login = '') {
  return page(
    '统一身份认证',
    `${error ? `<p role="alert" data-testid="login-error">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login" autocomplete="off">
<label for="login">账号</label><input id="login" name="login" required value="${esc(login)}">
<label for="password">密码</label><input id="password" name="password" type="password" required>
<button type="submit">登录</button></form>`,
  )
}

function consentForm(uid, details, clientId) {
  const scopes = (details.missingOIDCScope ?? []).map((s) => `<li>${esc(s)}</li>`).join('')
  return page(
    '授权',
    `<p>${esc(clientId)} 请求:</p><ul>${scopes}</ul>
<form method="post" action="/interaction/${esc(uid)}/confirm"><button type="submit">同意</button></form>`,
  )
}

async function formBody(req) {
  let text = ''
  for await (const chunk of req) {
    text += chunk
    if (text.length > 10000) throw new Error('form too large')
  }
  return new URLSearchParams(text)
}

provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(login|confirm))?$/.exec(ctx.path)
  if (!match) return next()
  ctx.set('Cache-Control', 'no-store')
  const [, uid, step] = match
  const { prompt, params, grantId, session } = await provider.interactionDetails(ctx.req, ctx.res)
  const finish = async (result, merge) => {
    const to = await provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: merge,
    })
    ctx.status = 303
    ctx.redirect(to)
  }
  ctx.type = 'html'
  if (ctx.method === 'GET' && !step) {
    ctx.body =
      prompt.name === 'login'
        ? loginForm(uid)
        : consentForm(uid, prompt.details, params.client_id)
  } else if (ctx.method === 'POST' && step === 'login' && prompt.name === 'login') {
    const form = await formBody(ctx.req)
    const sub = form.get('login') ?? ''
    if (!accounts[sub] || accounts[sub].password !== form.get('password')) {
      ctx.status = 401
      ctx.body = loginForm(uid, '账号或密码错误', sub)
      return
    }
    await finish({ login: { accountId: sub } }, false)
  } else if (ctx.method === 'POST' && step === 'confirm' && prompt.name === 'consent') {
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id })
    const { missingOIDCScope, missingOIDCClaims } = prompt.details
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '))
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims)
    await finish({ consent: { grantId: await grant.save() } }, true)
  } else {
    ctx.status = 405
    ctx.body = page('Error', '<p role="alert">unexpected step</p>')
  }
})

provider.listen(settings.port, '127.0.0.1', () => console.log(`ready ${settings.issuer}`))
