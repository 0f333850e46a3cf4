import { randomBytes } from 'node:crypto'

/**
 * Formats of what we hand out. Each kind has its own prefix so secret scanners, log redaction
 * and the SCIM auth hook can tell them apart; 256 random bits each (RFC 6749 §10.10).
 */
export const CLIENT_ID_PREFIX = 'smb_ci_'
export const FEDERATED_CLIENT_ID_PREFIX = 'smb_wif_'
export const CLIENT_SECRET_PREFIX = 'smb_cs_'
export const ACCESS_TOKEN_PREFIX = 'smb_at_'

export function newClientId (prefix = CLIENT_ID_PREFIX): string {
  // Client identifiers are not secrets (RFC 6749 §2.2); 128 bits keep them unguessable anyway.
  return prefix + randomBytes(16).toString('base64url')
}

export function newClientSecret (): string {
  return CLIENT_SECRET_PREFIX + randomBytes(32).toString('base64url')
}

export function newAccessToken (): string {
  return ACCESS_TOKEN_PREFIX + randomBytes(32).toString('base64url')
}

export function displayPrefix (secret: string): string {
  const underscore = secret.indexOf('_', 4)
  return secret.slice(0, underscore + 1 + 6)
}
