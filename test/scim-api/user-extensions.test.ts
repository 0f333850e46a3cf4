import Fastify from 'fastify'
import { sql } from 'kysely'
import t from 'tap'
import { noopAccessChangeSink } from '../../src/directory/access-change-sink.js'
import { registerScimErrorHandlers } from '../../src/scim-api/error-handler.js'
import { scimRoutes } from '../../src/scim-api/routes/index.js'
import { attribute } from '../../src/scim/schemas/types.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { createTestDatabase } from '../helpers/database.js'
import { sender } from './helpers.js'

const META = 'urn:example:params:scim:schemas:extension:meta:2.0:User'

t.test('a read-only User extension block is returned, listed and never written', async (t) => {
  const database = await createTestDatabase(t)
  const tenant = await insertTenant(database.db, 'ext')
  const app = Fastify()
  app.decorateRequest('tenantId', '')
  app.addHook('onRequest', async (request) => { request.tenantId = tenant.id })
  await app.register(async (scope) => {
    registerScimErrorHandlers(scope)
    await scope.register(scimRoutes, {
      db: database.db,
      config: { scimMaxPageSize: 100, publicBaseUrl: 'https://bridge.example.com' },
      accessChanges: noopAccessChangeSink,
      userExtensions: [{
        schema: { id: META, name: 'MetaState', description: 'Meta state', attributes: [attribute('state', 'string', 'Where the person is on Meta.', { mutability: 'readOnly' }), attribute('user', 'string', 'Whose block.', { mutability: 'readOnly' })] },
        // Correlated with the user row: the block names the user and tenant it was read for.
        source: (user) => sql`(select json_build_object('state', 'invited', 'user', ${user.id}::text) where ${user.tenantId} = ${tenant.id}::uuid)`,
        toBlock: (value) => value === null ? undefined : value as Record<string, unknown>
      }]
    })
  }, { prefix: '/scim/v2' })
  t.teardown(() => app.close())
  const send = sender(app, { 'content-type': 'application/scim+json' })

  const created = await send('POST', '/scim/v2/Users', { userName: 'ada', [META]: { state: 'forged' } })
  t.equal(created.status, 201)
  t.same(created.body.schemas, ['urn:ietf:params:scim:schemas:core:2.0:User', META])
  t.same(created.body[META], { state: 'invited', user: created.body.id }, 'the server computes the block; the client value is ignored')
  t.equal(created.headers.location, `https://bridge.example.com/scim/v2/Users/${created.body.id as string}`, 'PUBLIC_BASE_URL drives Location')
  const patch = await send('PATCH', `/scim/v2/Users/${created.body.id as string}`, { Operations: [{ op: 'replace', path: `${META}:state`, value: 'x' }] })
  t.match(patch, { status: 400, body: { scimType: 'mutability' } })
  const second = await send('POST', '/scim/v2/Users', { userName: 'grace' })
  const list = await send('GET', '/scim/v2/Users')
  t.same(list.body.Resources.map((r: Record<string, unknown>) => r[META]), [
    { state: 'invited', user: created.body.id }, { state: 'invited', user: second.body.id }
  ], 'each user of a page gets its own block')
  const deep = await send('GET', '/scim/v2/Users?startIndex=2&count=1')
  t.same(deep.body.Resources.map((r: Record<string, unknown>) => r[META]), [{ state: 'invited', user: second.body.id }], 'past the first page too')
  const one = await send('GET', `/scim/v2/Users/${second.body.id as string}`)
  t.same(one.body[META], { state: 'invited', user: second.body.id })
  const replaced = await send('PUT', `/scim/v2/Users/${second.body.id as string}`, { userName: 'grace', displayName: 'Grace' })
  t.same(replaced.body[META], { state: 'invited', user: second.body.id }, 'a write answers with the block too')
  const types = await send('GET', '/scim/v2/ResourceTypes/User')
  t.match(types.body.schemaExtensions, [{ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User' }, { schema: META }])
  t.equal((await send('GET', `/scim/v2/Schemas/${META}`)).body.name, 'MetaState')
})
