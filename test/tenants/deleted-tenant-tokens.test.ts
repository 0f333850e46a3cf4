import t from 'tap'
import pino from 'pino'
import { buildApp } from '../../src/app.js'
import { insertTenant, deleteTenant } from '../../src/tenants/tenants-repository.js'
import { TokenService } from '../../src/tenants/token-service.js'
import { adminClient, adminEnv } from '../helpers/admin.js'
import { testConfig } from '../helpers/app.js'
import { createTestDatabase } from '../helpers/database.js'

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'

/** An app whose token cache keeps hits for a minute, as a production process would for 5 s. */
async function cachedApp (t: Parameters<typeof createTestDatabase>[0]) {
  const { db } = await createTestDatabase(t)
  const tokens = new TokenService(db, 60_000)
  const app = await buildApp({ config: testConfig(adminEnv), db, logger: pino({ level: 'silent' }), tokens })
  t.teardown(() => app.close())
  const tenant = await insertTenant(db, 'doomed')
  const { token } = await tokens.create(tenant.id, 'test')
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }
  return { app, db, tenant, headers }
}

t.test('deleting a tenant through the admin API stops its tokens at once, cache or not', async (t) => {
  const { app, tenant, headers } = await cachedApp(t)
  t.equal((await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })).statusCode, 200, 'cached as valid')
  t.equal((await adminClient(app).delete(`/tenants/${tenant.id}`)).statusCode, 204)
  const after = await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })
  t.equal(after.statusCode, 401)
  t.match(after.json(), { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' })
})

t.test('a write with a token cached by a replica that did not see the delete is 401, not 500', async (t) => {
  const { app, db, tenant, headers } = await cachedApp(t)
  t.equal((await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })).statusCode, 200, 'cached as valid')
  // Deleted behind this process's back, as another replica's admin API would.
  await deleteTenant(db, tenant.id)
  const write = await app.inject({ method: 'POST', url: '/scim/v2/Users', headers, payload: { schemas: [USER], userName: 'ghost' } })
  t.equal(write.statusCode, 401)
  t.match(write.json(), { status: '401', detail: /no longer exists/ })
  t.match(write.headers['www-authenticate'], /invalid_token/)
})
