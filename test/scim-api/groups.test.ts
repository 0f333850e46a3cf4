import pino from 'pino'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../helpers/app.js'
import { QueryRecorder, scimTestApp, sender } from './helpers.js'

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'

async function withUsers (t: Parameters<typeof scimTestApp>[0], count = 3) {
  const test = await scimTestApp(t)
  const ids: string[] = []
  for (let i = 0; i < count; i++) ids.push((await test.send('POST', '/scim/v2/Users', { userName: `user${i}`, displayName: `User ${i}` })).body.id as string)
  return { ...test, ids }
}

const memberIds = (body: any): string[] => (body.members ?? []).map((m: any) => m.value).sort()

t.test('group lifecycle with every membership shape Okta and Entra send', async (t) => {
  const { send, ids: [a, b, c] } = await withUsers(t)
  const created = await send('POST', '/scim/v2/Groups', {
    schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'], displayName: 'Engineering', externalId: 'e-1', members: [{ value: a, display: 'VP' }]
  })
  t.equal(created.status, 201)
  t.match(created.headers.location, new RegExp(`/scim/v2/Groups/${created.body.id as string}$`))
  t.match(created.body, { schemas: [GROUP], displayName: 'Engineering', externalId: 'e-1', members: [{ value: a, display: 'VP', type: 'User' }], meta: { resourceType: 'Group', version: 'W/"1"' } })
  const id = created.body.id as string
  const url = `/scim/v2/Groups/${id}`

  const add = await send('PATCH', url, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: b }] }] })
  t.equal(add.status, 204, 'Group PATCH answers 204')
  t.equal(add.body, undefined)
  t.equal(add.headers.etag, 'W/"2"')
  t.same(memberIds((await send('GET', url)).body), [a, b].sort())

  t.equal((await send('PATCH', url, { Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: a }] }] })).status, 204, 'Entra legacy removal')
  t.same(memberIds((await send('GET', url)).body), [b])
  t.equal((await send('PATCH', url, { Operations: [{ op: 'remove', path: `members[value eq "${b}"]` }, { op: 'add', path: 'members', value: [{ value: c, display: 'C' }] }] })).status, 204, 'Okta remove + add')
  t.same(memberIds((await send('GET', url)).body), [c])
  t.equal((await send('PATCH', url, { Operations: [{ op: 'replace', path: 'members', value: [{ value: a }, { value: b }] }] })).status, 204, 'Okta full replace')
  t.same(memberIds((await send('GET', url)).body), [a, b].sort())

  const asked = await send('PATCH', `${url}?attributes=displayName`, { Operations: [{ op: 'replace', value: { id, displayName: 'Research' } }] })
  t.equal(asked.status, 200, 'with attributes asked for, PATCH answers 200 (RFC 7644 §3.5.2)')
  t.same(Object.keys(asked.body).sort(), ['displayName', 'id', 'schemas'])
  t.equal(asked.body.displayName, 'Research')

  const refused = await send('PATCH', url, { Operations: [{ op: 'replace', path: 'displayName', value: 'Lost' }, { op: 'add', path: 'members', value: 'string id 1' }] })
  t.match(refused, { status: 400, body: { scimType: 'invalidValue', detail: /string id 1/ } })
  const afterRefusal = (await send('GET', url)).body
  t.equal(afterRefusal.displayName, 'Research', 'all operations or none')
  t.same(memberIds(afterRefusal), [a, b].sort())

  const put = await send('PUT', url, { schemas: [GROUP], id, displayName: 'putName', members: [{ value: b, display: 'SenorVP' }, { value: c }] })
  t.equal(put.status, 200)
  t.same(memberIds(put.body), [b, c].sort())
  t.match(put.body.members.find((m: any) => m.value === b), { display: 'SenorVP' })
  const rename = await send('PUT', url, { displayName: 'Tiffany Ortiz' })
  t.equal(rename.body.displayName, 'Tiffany Ortiz')
  t.same(memberIds(rename.body), [b, c].sort(), 'PUT without members keeps the memberships')

  const user = await send('GET', `/scim/v2/Users/${b}`)
  t.match(user.body.groups, [{ value: id, display: 'Tiffany Ortiz', type: 'direct' }], 'a user shows its groups')
  t.equal((await send('DELETE', `/scim/v2/Users/${b}`)).status, 204)
  t.same(memberIds((await send('GET', url)).body), [c], 'a deleted user leaves its groups')

  t.equal((await send('PATCH', url, { Operations: [{ op: 'remove', path: 'members' }] })).status, 204)
  t.notOk('members' in (await send('GET', url)).body, 'no members left')
  t.equal((await send('DELETE', url)).status, 204)
  t.equal((await send('GET', url)).status, 404)
  t.equal((await send('GET', `/scim/v2/Users/${c}`)).status, 200, 'deleting a group keeps its users')
})

t.test('filters and excludedAttributes=members never read memberships', async (t) => {
  const test = await withUsers(t, 2)
  const [a, b] = test.ids as [string, string]
  const big = await test.send('POST', '/scim/v2/Groups', { displayName: 'Big', members: [{ value: a }, { value: b }] })
  await test.send('POST', '/scim/v2/Groups', { displayName: 'Small', members: [{ value: a }] })
  const recorder = new QueryRecorder()
  const app = await buildApp({ config: testConfig(), db: test.db.withPlugin(recorder), logger: pino({ level: 'silent' }), tokens: test.tokens })
  t.teardown(() => app.close())
  const send = sender(app, test.headers)

  const excluded = await send('GET', '/scim/v2/Groups?excludedAttributes=members&filter=displayName eq "big"')
  t.equal(excluded.body.totalResults, 1)
  t.notOk('members' in excluded.body.Resources[0])
  const one = await send('GET', `/scim/v2/Groups/${big.body.id as string}?excludedAttributes=members`)
  t.notOk('members' in one.body)
  const names = await send('GET', '/scim/v2/Groups?attributes=displayName')
  t.same(names.body.Resources.map((g: any) => g.displayName), ['Big', 'Small'])
  t.equal((await send('PATCH', `/scim/v2/Groups/${big.body.id as string}`, { Operations: [{ op: 'replace', path: 'displayName', value: 'Bigger' }] })).status, 204)
  t.ok(recorder.queries.length > 0, 'the recorder sees the queries')
  t.notOk(recorder.touched('group_members'), 'group_members was never read')

  const withMembers = await send('GET', `/scim/v2/Groups?filter=members[value eq "${b}"]`)
  t.same(withMembers.body.Resources.map((g: any) => g.displayName), ['Bigger'])
  t.same(memberIds(withMembers.body.Resources[0]), [a, b].sort(), 'members are listed when not excluded')
  t.ok(recorder.touched('group_members'))
})

t.test('discovery documents', async (t) => {
  const { send } = await scimTestApp(t, { env: { SCIM_MAX_PAGE_SIZE: '250' } })
  const spc = await send('GET', '/scim/v2/ServiceProviderConfig')
  t.match(spc.body, {
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: 250 },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [{ type: 'oauthbearertoken' }]
  })
  const types = await send('GET', '/scim/v2/ResourceTypes')
  t.same(types.body.Resources.map((r: any) => r.endpoint), ['/Users', '/Groups'], 'User first')
  t.match((await send('GET', '/scim/v2/ResourceTypes/user')).body, { id: 'User', schemaExtensions: [{ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false }] })
  const schemas = await send('GET', '/scim/v2/Schemas')
  t.same(schemas.body.Resources.map((s: any) => s.id), [
    'urn:ietf:params:scim:schemas:core:2.0:User', GROUP, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    // Present on a Group answer only when it lists part of the members (docs/scim.md "Group answers").
    'urn:scim-meta-bridge:schemas:extension:members:1.0:Group'
  ])
  const user = schemas.body.Resources[0]
  t.equal(user.description, 'User Account')
  t.match(user.attributes.find((a: any) => a.name === 'userName'), { required: true, uniqueness: 'server', caseExact: false, mutability: 'readWrite', returned: 'default' })
  t.match(user.attributes.find((a: any) => a.name === 'groups'), { mutability: 'readOnly', multiValued: true })
  t.match(user.attributes.find((a: any) => a.name === 'emails').subAttributes.map((s: any) => s.name), ['value', 'display', 'type', 'primary'])
  t.notOk(user.attributes.some((a: any) => a.name === 'password'), 'password is not offered: it is never stored')
  t.equal((await send('GET', `/scim/v2/Schemas/${GROUP}`)).body.name, 'Group')
  for (const path of ['/ServiceProviderConfig', '/ResourceTypes', '/Schemas']) {
    const res = await send('POST', `/scim/v2${path}`, {})
    t.match(res, { status: 405, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '405' } }, `POST ${path}`)
  }
  t.match(await send('POST', '/scim/v2/Bulk', {}), { status: 501 })
  t.match(await send('GET', '/scim/v2/Schemas/urn:nope'), { status: 404 })
})

t.test('POST /.search at the root pages across Users then Groups', async (t) => {
  const { send } = await withUsers(t, 3)
  await send('POST', '/scim/v2/Groups', { displayName: 'user-group' })
  const all = await send('POST', '/scim/v2/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], startIndex: 3, count: 2 })
  t.equal(all.status, 200)
  t.match(all.body, { totalResults: 4, itemsPerPage: 2, startIndex: 3 })
  t.same(all.body.Resources.map((r: any) => r.meta.resourceType), ['User', 'Group'])
  const byName = await send('POST', '/scim/v2/.search', { filter: 'userName sw "user"' })
  t.equal(byName.body.totalResults, 3, 'a filter only Users understand matches no Group')
  const both = await send('POST', '/scim/v2/.search', { filter: 'displayName co "user"', attributes: ['displayName'] })
  t.equal(both.body.totalResults, 4)
  t.same(Object.keys(both.body.Resources[3]).sort(), ['displayName', 'id', 'schemas'])
  t.match(await send('POST', '/scim/v2/.search', { filter: 'nothing eq "x"' }), { status: 400, body: { scimType: 'invalidFilter' } })
  t.match(await send('POST', '/scim/v2/.search', { sortBy: 'displayName' }), { status: 400, body: { scimType: 'invalidValue' } })
})
