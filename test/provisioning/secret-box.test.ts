import t from 'tap'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSecretBox, SecretBoxError } from '../../src/crypto/secret-box.js'
import { decodeSecretKey, KEY_FILE_NAME, openSecretBox } from '../../src/crypto/secret-key.js'

t.test('AES-256-GCM: round trip, fresh IV each time, bound to its context, tamper-evident', async (t) => {
  const box = createSecretBox(Buffer.alloc(32, 1))
  const sealed = box.seal('EAAB-secret-token', 'tenant:a:meta_access_token')
  t.notMatch(sealed, /EAAB/, 'no plaintext in the sealed form')
  t.not(box.seal('EAAB-secret-token', 'tenant:a:meta_access_token'), sealed, 'a new IV each time')
  t.equal(box.open(sealed, 'tenant:a:meta_access_token'), 'EAAB-secret-token')
  t.throws(() => box.open(sealed, 'tenant:b:meta_access_token'), SecretBoxError, 'another tenant cannot open it')
  const [v, iv, tag, body] = sealed.split('.')
  const flipped = Buffer.from(body!, 'base64url')
  flipped[0] = flipped[0]! ^ 1
  t.throws(() => box.open([v, iv, tag, flipped.toString('base64url')].join('.'), 'tenant:a:meta_access_token'), SecretBoxError, 'tampering is detected')
  t.throws(() => createSecretBox(Buffer.alloc(32, 2)).open(sealed, 'tenant:a:meta_access_token'), /SECRETS_KEY/, 'a different key fails with a hint')
})

t.test('SECRETS_KEY is 32 bytes as base64 or hex', async (t) => {
  t.equal(decodeSecretKey(Buffer.alloc(32, 9).toString('base64')).length, 32)
  t.equal(decodeSecretKey('ab'.repeat(32)).length, 32)
  t.throws(() => decodeSecretKey('too-short'), SecretBoxError)
})

t.test('the embedded default keeps a key file in the data directory, created once, mode 0600', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'smb-key-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const box = openSecretBox({ secretsKey: undefined, dataDir: dir, engine: 'pglite' })
  const sealed = box.seal('x', 'c')
  const key = readFileSync(join(dir, KEY_FILE_NAME), 'utf8')
  t.equal(statSync(join(dir, KEY_FILE_NAME)).mode & 0o777, 0o600)
  const again = openSecretBox({ secretsKey: undefined, dataDir: dir, engine: 'pglite' })
  t.equal(readFileSync(join(dir, KEY_FILE_NAME), 'utf8'), key, 'not replaced on the next start')
  t.equal(again.open(sealed, 'c'), 'x', 'secrets survive a restart')
})

t.test('PostgreSQL without SECRETS_KEY refuses to store secrets, saying what to set', async (t) => {
  const box = openSecretBox({ secretsKey: undefined, dataDir: '/nonexistent', engine: 'postgres' })
  t.throws(() => box.seal('x', 'c'), /SECRETS_KEY is required/)
  const keyed = openSecretBox({ secretsKey: Buffer.alloc(32, 4).toString('base64'), dataDir: '/nonexistent', engine: 'postgres' })
  t.equal(keyed.open(keyed.seal('y', 'c'), 'c'), 'y')
})
