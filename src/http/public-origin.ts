/** PUBLIC_BASE_URL (no trailing slash) and the address the service listens on. */
export interface PublicOriginSettings {
  publicBaseUrl: string | undefined
  host: string
  port: number
}

/**
 * The origin the service's absolute URLs start with (SCIM `Location` and `meta.location`):
 * PUBLIC_BASE_URL, else the address it listens on. Never the request's Host or
 * X-Forwarded-Host header: those are the client's to choose, and an answer must not carry a
 * URL a client made up. Behind a proxy or on a public name, set PUBLIC_BASE_URL.
 */
export function publicOrigin (config: PublicOriginSettings): string {
  if (config.publicBaseUrl !== undefined) return config.publicBaseUrl
  const host = config.host === '0.0.0.0' || config.host === '::' || config.host === '' ? '127.0.0.1' : config.host
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`
}
