/** Which identity provider sent a request, as far as its User-Agent tells. */
export type IdpName = 'okta' | 'entra' | 'other'

/**
 * Okta's provisioning agent sends `Okta SCIM Client <version>` (seen in Okta's SCIM test
 * traffic, test/fixtures/idp/okta). Microsoft's provisioning service names Azure AD / Microsoft
 * in its User-Agent; its exact text has changed over the years, so any of those words counts.
 * Anything else (curl, a test suite, another IdP) is `other`.
 */
export function idpFromUserAgent (userAgent: string | undefined): IdpName {
  if (userAgent === undefined || userAgent === '') return 'other'
  if (/\bokta\b/i.test(userAgent)) return 'okta'
  if (/azure|microsoft|entra|\baad\b/i.test(userAgent)) return 'entra'
  return 'other'
}
