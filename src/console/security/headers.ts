import type { FastifyReply } from 'fastify'

/**
 * Every console response: a strict Content-Security-Policy (scripts and styles only from this
 * origin, no inline code, no framing; W3C CSP Level 3), no caching of pages that show tenant
 * data (RFC 9111 §5.2.2.5 no-store), no MIME sniffing, no referrer to other sites (the OIDC
 * callback URL carries a code). Not `no-referrer`: with it Chromium sends `Origin: null` on
 * same-origin form posts, which the Origin check must refuse.
 */
/**
 * `formTargets`: other origins a form may reach, through a redirect too (Chromium applies
 * form-action to every hop). The OIDC issuer's origin is one: *Sign out* posts here and is
 * redirected to the IdP's end-session endpoint (OpenID Connect RP-Initiated Logout 1.0).
 */
export function contentSecurityPolicy (formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    ["form-action 'self'", ...formTargets].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'"
  ].join('; ')
}

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy()

export function applySecurityHeaders (reply: FastifyReply, cacheable: boolean, csp = CONTENT_SECURITY_POLICY): void {
  void reply.header('content-security-policy', csp)
  void reply.header('x-content-type-options', 'nosniff')
  void reply.header('x-frame-options', 'DENY')
  void reply.header('referrer-policy', 'same-origin')
  void reply.header('cross-origin-opener-policy', 'same-origin')
  void reply.header('cross-origin-resource-policy', 'same-origin')
  void reply.header('cache-control', cacheable ? 'public, max-age=31536000, immutable' : 'no-store')
}
