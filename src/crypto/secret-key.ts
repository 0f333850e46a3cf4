import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createSecretBox, missingKeySecretBox, SECRET_KEY_BYTES, SecretBoxError, type SecretBox } from './secret-box.js'

export const KEY_FILE_NAME = 'secrets.key'

/** SECRETS_KEY: 32 bytes as base64/base64url (43–44 characters) or hex (64 characters). */
export function decodeSecretKey (value: string): Buffer {
  const trimmed = value.trim()
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64')
  if (bytes.length !== SECRET_KEY_BYTES) {
    throw new SecretBoxError(`SECRETS_KEY must encode ${SECRET_KEY_BYTES} bytes (base64 or hex), e.g. \`openssl rand -base64 32\``)
  }
  return bytes
}

/**
 * The embedded default keeps its key next to its data: generated on first start with mode 0600,
 * created exclusively (`wx`) so two starts cannot each write a different key.
 */
export function loadOrCreateKeyFile (dataDir: string): Buffer {
  const path = join(dataDir, KEY_FILE_NAME)
  mkdirSync(dataDir, { recursive: true })
  try {
    writeFileSync(path, randomBytes(SECRET_KEY_BYTES).toString('base64') + '\n', { flag: 'wx', mode: 0o600 })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  return decodeSecretKey(readFileSync(path, 'utf8'))
}

export interface SecretKeySource {
  secretsKey: string | undefined
  dataDir: string
  engine: 'pglite' | 'postgres'
}

/**
 * SECRETS_KEY when set; otherwise, on the embedded database, a key file in the data directory.
 * PostgreSQL without SECRETS_KEY gets a box that refuses to seal or open: replicas sharing a
 * database must share the key, and a key file per host would silently differ.
 */
export function openSecretBox (source: SecretKeySource): SecretBox {
  if (source.secretsKey !== undefined) return createSecretBox(decodeSecretKey(source.secretsKey))
  if (source.engine === 'pglite' && source.dataDir !== 'memory://') return createSecretBox(loadOrCreateKeyFile(source.dataDir))
  if (source.engine === 'pglite') return createSecretBox(randomBytes(SECRET_KEY_BYTES))
  return missingKeySecretBox('SECRETS_KEY is required to store Meta credentials when DATABASE_URL is set (all replicas must share it)')
}
