import Fastify from 'fastify'
import t from 'tap'
import { noopAccessChangeSink } from '../../src/directory/access-change-sink.js'
import { errorHandlerPlugin } from '../../src/http/error-handler.js'
import { scimRoutes } from '../../src/scim/routes/index.js'
import { attribute } from '../../src/scim/schemas/types.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { createTestDatabase } from '../helpers/database.js'
import { sender } from './helpers.js'

const META = 'urn:example:params:scim:schemas:extension:meta:2.0:User'

t.test('a read-only User extension block is returned, listed and never written', async (t) => {
  const database = await createTestDatabase(t)
  const tenant = await insertTenant(database.db, 'ext')
  const app = Fastify()
  await app.register(errorHandlerPlugin)
  app.decorateRequest('tenantId', '')
  app.addHook('onRequest', async (request) => { request.tenantId = tenant.id })
  const loaded: string[][] = []
  await app.register(scimRoutes, {
    prefix: '/scim/v2',
    db: database.db,
    config: { scimMaxPageSize: 100, publicBaseUrl: 'https://bridge.example.com' },
    accessChanges: noopAccessChangeSink,
    userExtensions: [{
      schema: { id: META, name: 'MetaState', description: 'Meta state', attributes: [attribute('state', 'string', 'Where the person is on Meta.', { mutability: 'readOnly' })] },
      load: async (_db, tenantId, userIds) => {
        t.equal(tenantId, tenant.id)
        loaded.push(userIds)
        return new Map(userIds.map((id) => [id, { state: 'invited' }]))
      }
    }]
  })
  t.teardown(() => app.close())
  const send = sender(app, { 'content-type': 'application/scim+json' })

  const created = await send('POST', '/scim/v2/Users', { userName: 'ada', [META]: { state: 'forged' } })
  t.equal(created.status, 201)
  t.same(created.body.schemas, ['urn:ietf:params:scim:schemas:core:2.0:User', META])
  t.same(created.body[META], { state: 'invited' }, 'the server computes the block; the client value is ignored')
  t.equal(created.headers.location, `https://bridge.example.com/scim/v2/Users/${created.body.id as string}`, 'PUBLIC_BASE_URL drives Location')
  const patch = await send('PATCH', `/scim/v2/Users/${created.body.id as string}`, { Operations: [{ op: 'replace', path: `${META}:state`, value: 'x' }] })
  t.match(patch, { status: 400, body: { scimType: 'mutability' } })
  const list = await send('GET', '/scim/v2/Users')
  t.same(list.body.Resources[0][META], { state: 'invited' })
  t.same(loaded.at(-1), [created.body.id], 'one load per page')
  const types = await send('GET', '/scim/v2/ResourceTypes/User')
  t.match(types.body.schemaExtensions, [{ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User' }, { schema: META }])
  t.equal((await send('GET', `/scim/v2/Schemas/${META}`)).body.name, 'MetaState')
})
