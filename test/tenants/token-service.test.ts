import t from 'tap'
import { createTestDatabase } from '../helpers/database.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { TokenService } from '../../src/tenants/token-service.js'
import { hashToken, hashesEqual, TOKEN_PREFIX } from '../../src/tenants/token-crypto.js'

t.test('tokens are stored only as SHA-256 hashes', async (t) => {
  const { db } = await createTestDatabase(t)
  const tenant = await insertTenant(db, 'acme')
  const service = new TokenService(db, 0)
  const created = await service.create(tenant.id, 'okta')
  t.ok(created.token.startsWith(TOKEN_PREFIX))
  const rows = await db.selectFrom('scim_tokens').selectAll().execute()
  t.equal(rows.length, 1)
  t.equal(rows[0]?.token_hash, hashToken(created.token))
  t.notOk(JSON.stringify(rows).includes(created.token), 'the secret appears nowhere in the row')
  t.equal(rows[0]?.token_prefix, created.token.slice(0, TOKEN_PREFIX.length + 6))
})

t.test('verify finds the tenant, records use, rejects unknown tokens', async (t) => {
  const { db } = await createTestDatabase(t)
  const a = await insertTenant(db, 'a')
  const b = await insertTenant(db, 'b')
  const service = new TokenService(db, 0)
  const ta = await service.create(a.id, 'x')
  const tb = await service.create(b.id, 'x')
  t.same(await service.verify(ta.token), { tokenId: ta.id, tenantId: a.id })
  t.same(await service.verify(tb.token), { tokenId: tb.id, tenantId: b.id })
  t.equal(await service.verify(ta.token + 'x'), undefined)
  t.equal(await service.verify('smb_nothing'), undefined)
  const row = await db.selectFrom('scim_tokens').select('last_used_at').where('id', '=', ta.id).executeTakeFirstOrThrow()
  t.ok(row.last_used_at instanceof Date, 'last_used_at recorded')
})

t.test('several tokens per tenant; revoking one leaves the other working', async (t) => {
  const { db } = await createTestDatabase(t)
  const tenant = await insertTenant(db, 'acme')
  const service = new TokenService(db, 60_000)
  const oldToken = await service.create(tenant.id, 'old')
  const newToken = await service.create(tenant.id, 'new')
  t.ok(await service.verify(oldToken.token), 'cached as valid')
  t.equal(await service.revoke(tenant.id, oldToken.id), true)
  t.equal(await service.verify(oldToken.token), undefined, 'revocation beats the cache')
  t.ok(await service.verify(newToken.token))
  t.equal(await service.revoke(tenant.id, oldToken.id), false, 'revoking twice reports nothing to revoke')
  const listed = await service.list(tenant.id)
  t.same(listed.map((l) => [l.label, l.revokedAt !== null]), [['old', true], ['new', false]])
  t.notOk(JSON.stringify(listed).includes(newToken.token), 'list never shows secrets')
})

t.test('a tenant cannot revoke another tenant\'s token', async (t) => {
  const { db } = await createTestDatabase(t)
  const a = await insertTenant(db, 'a')
  const b = await insertTenant(db, 'b')
  const service = new TokenService(db, 0)
  const tb = await service.create(b.id, 'x')
  t.equal(await service.revoke(a.id, tb.id), false)
  t.ok(await service.verify(tb.token))
})

t.test('hash comparison is exact', async (t) => {
  t.ok(hashesEqual(hashToken('a'), hashToken('a')))
  t.notOk(hashesEqual(hashToken('a'), hashToken('b')))
  t.notOk(hashesEqual(hashToken('a'), 'ab'), 'different lengths are unequal, not an exception')
})
