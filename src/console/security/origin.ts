import type { FastifyRequest } from 'fastify'

/**
 * The origin a same-origin browser request carries in `Origin`: PUBLIC_BASE_URL when set, else
 * the scheme and Host of the request itself (a cross-site page cannot make the browser send
 * our Host with its own Origin; and a rebinding page's requests carry none of our cookies).
 */
export function expectedOrigin (config: { publicBaseUrl: string | undefined }, request: FastifyRequest): string {
  if (config.publicBaseUrl !== undefined) return new URL(config.publicBaseUrl).origin
  return `${request.protocol}://${request.headers.host ?? ''}`
}
