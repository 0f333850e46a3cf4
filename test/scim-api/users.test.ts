import t from 'tap'
import { scimTestApp } from './helpers.js'

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
const ada = {
  schemas: [USER, ENT],
  userName: 'ada@example.com',
  externalId: '00u1',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
  active: true,
  password: 'hunter2',
  groups: [{ value: 'not-writable' }],
  meta: { created: '2001-01-01T00:00:00Z' },
  favouriteColour: 'blue',
  [ENT]: { department: 'R&D' }
}

t.test('create, read, replace, patch and delete a user', async (t) => {
  const { send } = await scimTestApp(t)
  const created = await send('POST', '/scim/v2/Users', ada, { 'content-type': 'application/json; charset=utf-8' })
  t.equal(created.status, 201)
  t.match(created.headers['content-type'], /^application\/scim\+json/)
  const id = created.body.id as string
  t.match(id, /^[0-9a-f-]{36}$/)
  t.equal(created.headers.location, created.body.meta.location, 'Location is meta.location (RFC 7644 §3.3)')
  t.match(created.headers.location, new RegExp(`/scim/v2/Users/${id}$`))
  t.equal(created.headers.etag, 'W/"1"')
  t.equal(created.body.meta.version, 'W/"1"')
  t.match(created.body, { schemas: [USER, ENT], userName: 'ada@example.com', externalId: '00u1', name: { givenName: 'Ada' }, [ENT]: { department: 'R&D' }, meta: { resourceType: 'User' } })
  t.notOk('password' in created.body, 'password is never stored or returned')
  t.notOk('favouriteColour' in created.body, 'unknown attributes are ignored')
  t.notOk('groups' in created.body, 'groups is readOnly')
  t.not(created.body.meta.created, '2001-01-01T00:00:00Z', 'meta is readOnly')

  const read = await send('GET', `/scim/v2/Users/${id}`)
  t.equal(read.status, 200)
  t.same(read.body, created.body)
  t.equal(read.headers.etag, 'W/"1"')
  t.equal((await send('GET', `/scim/v2/Users/${id}`, undefined, { 'if-none-match': 'W/"1"' })).status, 304)
  t.equal((await send('GET', `/scim/v2/Users/${id}`, undefined, { 'if-none-match': 'W/"7"' })).status, 200)

  const stale = await send('PUT', `/scim/v2/Users/${id}`, { ...ada, displayName: 'x' }, { 'if-match': 'W/"9"' })
  t.equal(stale.status, 412, 'If-Match with an old version')
  t.match(stale.body, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '412' })
  const replaced = await send('PUT', `/scim/v2/Users/${id}`, { id: 'ignored', userName: 'ada@example.com', active: false, title: 'Countess' }, { 'if-match': 'W/"1"' })
  t.equal(replaced.status, 200)
  t.equal(replaced.headers.etag, 'W/"2"')
  t.equal(replaced.body.id, id)
  t.equal(replaced.body.title, 'Countess')
  t.notOk('name' in replaced.body, 'PUT replaces: attributes left out are gone')
  t.notOk(ENT in replaced.body)
  t.same(replaced.body.schemas, [USER])

  const patched = await send('PATCH', `/scim/v2/Users/${id}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'Replace', path: 'active', value: 'True' }, { op: 'add', path: 'emails[type eq "work"].value', value: 'a@x.org' }]
  }, { 'if-match': 'W/"2"' })
  t.equal(patched.status, 200, 'User PATCH answers 200 with the resource')
  t.equal(patched.body.active, true)
  t.same(patched.body.emails, [{ type: 'work', value: 'a@x.org' }])
  t.equal(patched.headers.etag, 'W/"3"')
  t.equal((await send('PATCH', `/scim/v2/Users/${id}`, { Operations: [{ op: 'remove', path: 'title' }] }, { 'if-match': 'W/"2"' })).status, 412)

  t.equal((await send('DELETE', `/scim/v2/Users/${id}`, undefined, { 'if-match': 'W/"1"' })).status, 412)
  const deleted = await send('DELETE', `/scim/v2/Users/${id}`, '', { 'content-type': 'application/scim+json' })
  t.equal(deleted.status, 204, 'DELETE with a content type and no body (Okta sends that header everywhere)')
  t.equal(deleted.body, undefined)
  const gone = await send('GET', `/scim/v2/Users/${id}`)
  t.equal(gone.status, 404)
  t.match(gone.body, { status: '404', detail: /not found/ })
  t.equal((await send('DELETE', `/scim/v2/Users/${id}`)).status, 404)
})

t.test('userName is unique per tenant whatever its case; externalId is not unique', async (t) => {
  const { send, addTenant, app } = await scimTestApp(t)
  t.equal((await send('POST', '/scim/v2/Users', { userName: 'Bob', externalId: 'same' })).status, 201)
  const dup = await send('POST', '/scim/v2/Users', { userName: 'BOB', externalId: 'same' })
  t.equal(dup.status, 409)
  t.match(dup.body, { status: '409', scimType: 'uniqueness', detail: /BOB/ })
  const carol = await send('POST', '/scim/v2/Users', { userName: 'carol', externalId: 'same' })
  t.equal(carol.status, 201, 'the same externalId again')
  t.equal((await send('PATCH', `/scim/v2/Users/${carol.body.id as string}`, { Operations: [{ op: 'replace', path: 'userName', value: 'bob' }] })).status, 409)
  t.equal((await send('PUT', `/scim/v2/Users/${carol.body.id as string}`, { userName: 'bOb' })).status, 409)
  const other = await addTenant('other')
  const res = await app.inject({ method: 'POST', url: '/scim/v2/Users', headers: other.headers, payload: { userName: 'bob' } })
  t.equal(res.statusCode, 201, 'another tenant may use the same userName')
  const foreign = await app.inject({ method: 'GET', url: `/scim/v2/Users/${carol.body.id as string}`, headers: other.headers })
  t.equal(foreign.statusCode, 404, 'tenants never see each other')
})

t.test('bad requests get SCIM errors', async (t) => {
  const { send } = await scimTestApp(t, { env: { BODY_LIMIT_BYTES: '2048' } })
  const noName = await send('POST', '/scim/v2/Users', { active: true })
  t.match(noName, { status: 400, body: { scimType: 'invalidValue', detail: /userName/ } })
  t.match(await send('POST', '/scim/v2/Users', '{"userName": tre'), { status: 400, body: { scimType: 'invalidSyntax' } })
  t.match(await send('POST', '/scim/v2/Users', { userName: 'x', active: 'maybe' }), { status: 400, body: { scimType: 'invalidValue' } })
  t.match(await send('POST', '/scim/v2/Users', { userName: 'x', name: 'Ada' }), { status: 400, body: { scimType: 'invalidValue' } })
  t.match(await send('POST', '/scim/v2/Users', { userName: 'x'.repeat(5000) }), { status: 413, body: { status: '413' } })
  t.match(await send('GET', '/scim/v2/Users?filter=nickname+xx+"a"'), { status: 400, body: { scimType: 'invalidFilter' } })
  t.match(await send('GET', '/scim/v2/Users?count=lots'), { status: 400, body: { scimType: 'invalidValue' } })
  t.match(await send('GET', '/scim/v2/Users?sortBy=members'), { status: 400, body: { scimType: 'invalidValue' } })
  t.match(await send('PUT', '/scim/v2/Users'), { status: 405, body: { status: '405' }, headers: { allow: 'GET, POST' } })
  t.match(await send('POST', '/scim/v2/Users/0000', {}), { status: 405 })
  t.match(await send('PATCH', '/scim/v2/Users/00000000-0000-4000-8000-000000000000', { Operations: [] }), { status: 400 })
  t.match(await send('PATCH', '/scim/v2/Users/00000000-0000-4000-8000-000000000000', { Operations: [{ op: 'add', path: 'title', value: 'x' }] }), { status: 404 })
  t.match(await send('GET', '/scim/v2/Users/not-a-uuid'), { status: 404, body: { status: '404' } })
  t.match(await send('GET', '/scim/v2/Users', undefined, { authorization: 'Bearer wrong' }), { status: 401, body: { status: '401' } })
})

t.test('listing: filters, paging, sorting, projection, .search, paths in any case', async (t) => {
  const { send } = await scimTestApp(t, { env: { SCIM_MAX_PAGE_SIZE: '3' } })
  const ids: string[] = []
  for (const [i, name] of ['erin', 'Dan', 'carol', 'bob', 'alice'].entries()) {
    const res = await send('POST', '/scim/v2/Users', { userName: name, active: i !== 1, emails: [{ value: `${name}@x.org`, type: 'work' }], name: { givenName: name.toUpperCase() } })
    ids.push(res.body.id as string)
  }
  const page = await send('GET', '/scim/v2/Users?startIndex=2&count=2')
  t.match(page.body, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 5, itemsPerPage: 2, startIndex: 2 })
  t.same(page.body.Resources.map((r: any) => r.id), ids.slice(1, 3), 'creation order, 1-based')
  const clamped = await send('GET', '/scim/v2/Users?count=100000&startIndex=0')
  t.match(clamped.body, { totalResults: 5, itemsPerPage: 3, startIndex: 1 }, 'count clamped to the maximum, startIndex < 1 read as 1')
  const totals = await send('GET', '/scim/v2/Users?count=0')
  t.same(totals.body.Resources, [])
  t.equal(totals.body.totalResults, 5)
  t.same((await send('GET', '/scim/v2/Users?startIndex=9')).body.Resources, [])
  const none = await send('GET', '/scim/v2/Users?filter=userName eq "nobody"')
  t.match(none.body, { totalResults: 0, itemsPerPage: 0, Resources: [] })

  const sorted = await send('GET', '/scim/v2/Users?sortBy=userName&sortOrder=descending&count=3')
  t.same(sorted.body.Resources.map((r: any) => r.userName), ['erin', 'Dan', 'carol'], 'case-insensitive sort')
  const inactive = await send('GET', '/scim/v2/users/?filter=active+eq+false')
  t.same(inactive.body.Resources.map((r: any) => r.userName), ['Dan'], 'inactive users stay findable; path in any case with a trailing slash')
  t.equal((await send('GET', `/scim/v2/USERS/${ids[1] as string}/`)).status, 200)

  const projected = await send('GET', '/scim/v2/Users?attributes=userName,name.givenName&filter=userName eq "bob"')
  t.same(Object.keys(projected.body.Resources[0]).sort(), ['id', 'name', 'schemas', 'userName'])
  t.same(projected.body.Resources[0].name, { givenName: 'BOB' })
  const excluded = await send('GET', '/scim/v2/Users?excludedAttributes=emails,meta,id&filter=userName eq "bob"')
  t.ok(excluded.body.Resources[0].id, 'id is returned always')
  t.notOk('emails' in excluded.body.Resources[0])
  t.notOk('meta' in excluded.body.Resources[0])

  const search = await send('POST', '/scim/v2/Users/.search', {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'emails.value ew "@x.org" and not (userName sw "a")', attributes: ['userName'], sortBy: 'userName', startIndex: 1, count: 10
  })
  t.equal(search.status, 200)
  t.same(search.body.Resources.map((r: any) => r.userName), ['bob', 'carol', 'Dan'], 'clamped to 3, sorted')
  t.equal(search.body.totalResults, 4)
})

t.test('a PATCH with more than 1000 operations is 400 tooMany', async (t) => {
  const { send } = await scimTestApp(t)
  const id = (await send('POST', '/scim/v2/Users', { userName: 'many' })).body.id as string
  const operations = Array.from({ length: 1001 }, () => ({ op: 'replace', path: 'title', value: 'x' }))
  t.match(await send('PATCH', `/scim/v2/Users/${id}`, { Operations: operations }), { status: 400, body: { scimType: 'tooMany' } })
  t.match(await send('PATCH', `/scim/v2/Users/${id}`, { Operations: operations.slice(0, 1000) }), { status: 200, body: { title: 'x' } })
})
