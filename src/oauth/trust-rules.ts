/** Hosts that serve Entra's signing keys: public cloud, US Government and 21Vianet. */
export const ENTRA_KEY_HOSTS = new Set([
  'login.microsoftonline.com', 'login.windows.net', 'login.microsoftonline.us', 'login.partner.microsoftonline.cn'
])

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'
const V2_HOSTS = 'login\\.microsoftonline\\.com|login\\.microsoftonline\\.us|login\\.partner\\.microsoftonline\\.cn'
const V2_ISSUER = new RegExp(`^https://(?:${V2_HOSTS})/(${GUID})/v2\\.0$`)
const V1_ISSUER = new RegExp(`^https://sts\\.windows\\.net/(${GUID})/$`)

/**
 * The Entra tenant an issuer names, if it is an Entra issuer. Microsoft's rule for tokens of
 * multi-tenant issuers: the `tid` claim must equal the tenant in `iss` (access-tokens
 * validation guidance in the Microsoft identity platform docs).
 */
export function entraTenantOf (issuer: string): string | undefined {
  return (V2_ISSUER.exec(issuer) ?? V1_ISSUER.exec(issuer))?.[1]?.toLowerCase()
}

function isLoopback (host: string): boolean {
  return host === '127.0.0.1' || host === '[::1]' || host === 'localhost'
}

/**
 * Where a key set may be fetched from (an SSRF guard): HTTPS on an Entra host; or, only when
 * the operator turned on OAUTH_ALLOW_LOOPBACK_ISSUERS for tests, any loopback URL.
 */
export function keySetUrlProblem (value: string, allowLoopback: boolean): string | undefined {
  let url: URL
  try { url = new URL(value) } catch { return 'must be an absolute URL' }
  if (url.username !== '' || url.password !== '') return 'must not carry credentials'
  const web = url.protocol === 'http:' || url.protocol === 'https:'
  if (allowLoopback && isLoopback(url.hostname) && web) return undefined
  if (url.protocol !== 'https:') return 'must use https'
  if (!ENTRA_KEY_HOSTS.has(url.hostname.toLowerCase())) return `host must be one of ${[...ENTRA_KEY_HOSTS].join(', ')}`
  return undefined
}

export function issuerProblem (value: string, allowLoopback: boolean): string | undefined {
  let url: URL
  try { url = new URL(value) } catch { return 'must be an absolute URL' }
  if (allowLoopback && isLoopback(url.hostname)) return undefined
  if (url.protocol !== 'https:') return 'must use https'
  return undefined
}

/**
 * The exact audiences to accept. Entra shows `api://{appId}/.default` (a scope, not an
 * audience); tokens carry `api://{appId}` or, for v2 apps, the bare app id. Both are stored;
 * matching stays exact (no prefixes, no wildcards).
 */
export function expandAudiences (given: string[]): string[] {
  const out = new Set<string>()
  for (const raw of given) {
    const value = raw.trim()
    const scope = new RegExp(`^api://(${GUID})/\\.default$`).exec(value)
    const appUri = new RegExp(`^api://(${GUID})$`).exec(value)
    const appId = scope?.[1] ?? appUri?.[1]
    if (appId !== undefined) {
      out.add(`api://${appId}`)
      out.add(appId)
    } else {
      out.add(value)
    }
  }
  return [...out]
}
