import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16
export const SECRET_KEY_BYTES = 32

export class SecretBoxError extends Error {
  override name = 'SecretBoxError'
}

/**
 * Seals secrets at rest (Meta access tokens, app secrets) with AES-256-GCM. `context` is bound as
 * additional authenticated data (e.g. `tenant:<id>:meta_access_token`), so a sealed value copied
 * to another tenant or another column fails to open instead of decrypting.
 */
export interface SecretBox {
  seal: (plaintext: string, context: string) => string
  open: (sealed: string, context: string) => string
}

/** `v1.<iv>.<tag>.<ciphertext>`, each part base64url: self-describing so the scheme can change. */
export function createSecretBox (key: Buffer): SecretBox {
  if (key.length !== SECRET_KEY_BYTES) throw new SecretBoxError(`the secrets key must be ${SECRET_KEY_BYTES} bytes`)
  return {
    seal (plaintext, context) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(Buffer.from(context, 'utf8'))
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.')
    },
    open (sealed, context) {
      const [version, iv, tag, body] = sealed.split('.')
      if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
        throw new SecretBoxError('not a sealed secret')
      }
      const ivBytes = Buffer.from(iv, 'base64url')
      const tagBytes = Buffer.from(tag, 'base64url')
      if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new SecretBoxError('not a sealed secret')
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, ivBytes)
        decipher.setAAD(Buffer.from(context, 'utf8'))
        decipher.setAuthTag(tagBytes)
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
      } catch {
        // Wrong key, wrong context or tampered data: GCM cannot tell which, and neither do we.
        throw new SecretBoxError('the secret cannot be opened with this key (was SECRETS_KEY changed?)')
      }
    }
  }
}

/**
 * A box for deployments without a key (PostgreSQL and no SECRETS_KEY): every use fails with a
 * message that says what to configure, while everything not involving a secret keeps working.
 */
export function missingKeySecretBox (reason: string): SecretBox {
  const fail = (): never => { throw new SecretBoxError(reason) }
  return { seal: fail, open: fail }
}
