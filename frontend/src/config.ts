// The runtime configuration: `/config.json`, written by the deploy step, so one build serves
// every stage. On the local stack it says `{"auth": {"mode": "dev"}}` (demo users).

export interface OidcConfig {
  mode: 'oidc'
  authority: string
  client_id: string
  scope?: string
  /** which token the API accepts: the ID token (aud) or the access token (Cognito client_id) */
  token?: 'id_token' | 'access_token'
}

export interface RuntimeConfig {
  auth: { mode: 'dev' } | OidcConfig
}

let loaded: RuntimeConfig | null = null

export async function loadConfig(): Promise<RuntimeConfig> {
  if (loaded) return loaded
  const resp = await fetch('/config.json', { cache: 'no-store' })
  if (!resp.ok) throw new Error(`config.json: ${resp.status}`)
  loaded = (await resp.json()) as RuntimeConfig
  return loaded
}

export function setConfigForTests(config: RuntimeConfig | null): void {
  loaded = config
}
