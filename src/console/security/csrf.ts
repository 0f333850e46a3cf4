import { createHmac, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'

/**
 * The synchronizer token of a session (OWASP CSRF Prevention Cheat Sheet): an HMAC of the
 * session secret, so it needs no storage, differs per session, and reveals nothing of the
 * cookie. Pages put it in a hidden field and in htmx's `hx-headers`.
 */
export function csrfTokenFor (sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('console-csrf-v1').digest('base64url')
}

export const CSRF_HEADER = 'x-csrf-token'
export const CSRF_FIELD = '_csrf'

export function csrfTokenOf (request: FastifyRequest): string | undefined {
  const header = request.headers[CSRF_HEADER]
  if (typeof header === 'string') return header
  const body = request.body as Record<string, unknown> | undefined
  const field = body?.[CSRF_FIELD]
  return typeof field === 'string' ? field : undefined
}

export function csrfTokenValid (sessionSecret: string, presented: string | undefined): boolean {
  if (presented === undefined) return false
  const expected = Buffer.from(csrfTokenFor(sessionSecret))
  const given = Buffer.from(presented)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/**
 * Defence in depth beside the token: a state-changing request must come from this origin.
 * Browsers send `Origin` on every POST (Fetch standard); without it, `Sec-Fetch-Site` must
 * say same-origin. A request with neither (not a browser) is refused too.
 */
export function sameOrigin (request: FastifyRequest, expectedOrigin: string): boolean {
  const origin = request.headers.origin
  if (typeof origin === 'string') return origin === expectedOrigin
  return request.headers['sec-fetch-site'] === 'same-origin'
}
