import type { JsonObject } from '../resource/json.js'
import { URN } from '../schemas/urns.js'

/**
 * RFC 7643 §5: what this server supports. Every field Okta's SPEC test reads is present
 * (bulk.maxOperations, filter.maxResults, …), and each says what the server really does.
 */
export function serviceProviderConfig (baseUrl: string, maxPageSize: number): JsonObject {
  return {
    schemas: [URN.serviceProviderConfig],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: maxPageSize },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [{
      type: 'oauthbearertoken',
      name: 'OAuth Bearer Token',
      description: 'Authentication with a per-tenant bearer token (RFC 6750) in the Authorization header.',
      specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
      primary: true
    }],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${baseUrl}/ServiceProviderConfig`
    }
  }
}
