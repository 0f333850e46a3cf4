/**
 * The console's cookies. `__Host-` (RFC 6265bis §4.1.3.2) binds a cookie to this exact origin:
 * Secure, Path=/, no Domain, so a sibling subdomain cannot set or shadow it. SameSite=Lax: the
 * IdP's redirect back is a cross-site top-level GET that must carry the sign-in cookie, while
 * cross-site POSTs carry none. Chromium and Firefox accept Secure cookies from
 * http://localhost and http://127.0.0.1 (a secure context); other plain-HTTP hosts need TLS.
 */
export const SESSION_COOKIE = '__Host-smb_console'
export const FLOW_COOKIE = '__Host-smb_sign_in'

export function readCookie (header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() !== name) continue
    const value = part.slice(eq + 1).trim()
    // Our values are base64url: anything else is not ours.
    return /^[A-Za-z0-9_-]{20,200}$/.test(value) ? value : undefined
  }
  return undefined
}

export function setCookie (name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`
}

export const clearCookie = (name: string): string => setCookie(name, 'x'.repeat(20), 0)
