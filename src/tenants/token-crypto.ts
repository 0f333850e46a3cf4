import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** Tokens look like `smb_<43 base64url chars>`: 256 random bits, recognisable in a secret scanner. */
export const TOKEN_PREFIX = 'smb_'

export function generateToken (): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url')
}

/** SHA-256, hex. Tokens carry 256 bits of entropy, so a fast unsalted hash is enough. */
export function hashToken (token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** The part of a token an admin may see to tell tokens apart. */
export function tokenDisplayPrefix (token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6)
}

/** Constant-time comparison of two hex digests of equal length. */
export function hashesEqual (a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex')
  const right = Buffer.from(b, 'hex')
  return left.length === right.length && timingSafeEqual(left, right)
}
