/**
 * Whether a raw request target is under the SCIM API, however it is spelled (case, `//`, `%73`,
 * absolute form). Used only to choose the format of an error answered outside the SCIM scope
 * (router errors, paths no route matches): it authorises nothing and runs no handler.
 */
export function isScimPath (url: string): boolean {
  let path = url.split('?')[0] ?? ''
  try { path = decodeURIComponent(path) } catch { /* undecodable: checked as sent */ }
  return /^\/*scim\/+v2(\/|$)/i.test(path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, ''))
}
