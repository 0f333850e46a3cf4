import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { adminClient, adminEnv } from '../helpers/admin.js'

t.test('admin routes need the admin token; SCIM tokens do not work there', async (t) => {
  const { app, token } = await buildTestApp(t, { env: adminEnv })
  const none = await app.inject({ method: 'GET', url: '/admin/v1/tenants' })
  t.equal(none.statusCode, 401)
  t.match(none.json(), { error: 'unauthorized', status: 401 })
  const scim = await adminClient(app, token).get('/tenants')
  t.equal(scim.statusCode, 401, 'a SCIM token is not an admin token')
  t.equal((await adminClient(app).get('/tenants')).statusCode, 200)
})

t.test('the admin token never works on /scim/v2', async (t) => {
  const { app } = await buildTestApp(t, { env: adminEnv })
  const res = await app.inject({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: `Bearer ${adminEnv.ADMIN_TOKEN}` } })
  t.equal(res.statusCode, 401)
})

t.test('tenants: create, read, list paged, rename, delete with their tokens', async (t) => {
  const { app, db } = await buildTestApp(t, { env: adminEnv })
  const admin = adminClient(app)
  const created = await admin.post('/tenants', { name: 'Acme Ads' })
  t.equal(created.statusCode, 201)
  const acme = created.json()
  t.match(acme, { id: /^[0-9a-f-]{36}$/, name: 'Acme Ads' })
  t.equal(created.headers.location, `/admin/v1/tenants/${acme.id}`)

  const dup = await admin.post('/tenants', { name: 'acme ads' })
  t.equal(dup.statusCode, 409, 'names are unique whatever the case')

  t.equal((await admin.get(`/tenants/${acme.id}`)).json().name, 'Acme Ads')
  for (const name of ['b1', 'b2', 'b3']) await admin.post('/tenants', { name })
  const page1 = (await admin.get('/tenants?limit=2')).json()
  t.equal(page1.items.length, 2)
  t.equal(page1.total, 5, 'the test tenant, acme and three more')
  t.equal(page1.next_offset, 2)
  const last = (await admin.get('/tenants?limit=2&offset=4')).json()
  t.equal(last.items.length, 1)
  t.notOk('next_offset' in last)

  const renamed = await admin.patch(`/tenants/${acme.id}`, { name: 'Acme' })
  t.equal(renamed.json().name, 'Acme')

  const tok = await admin.post(`/tenants/${acme.id}/scim-tokens`, { label: 'okta' })
  t.equal(tok.statusCode, 201)
  t.equal((await admin.delete(`/tenants/${acme.id}`)).statusCode, 204)
  t.equal((await admin.get(`/tenants/${acme.id}`)).statusCode, 404)
  const left = await db.selectFrom('scim_tokens').select('id').where('tenant_id', '=', acme.id).execute()
  t.same(left, [], 'its tokens went with it')
  const scim = await app.inject({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: `Bearer ${tok.json().token}` } })
  t.equal(scim.statusCode, 401, 'its token no longer works')
})

t.test('bad input gets a 400 naming the field, unknown ids 404', async (t) => {
  const { app } = await buildTestApp(t, { env: adminEnv })
  const admin = adminClient(app)
  const bad = await admin.post('/tenants', { name: '' })
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { error: 'invalid_request', details: [{ path: 'body.name' }] })
  const extra = await admin.post('/tenants', { name: 'ok', color: 'red' })
  t.equal(extra.statusCode, 400)
  t.equal((await admin.get('/tenants/not-a-uuid')).statusCode, 400)
  t.equal((await admin.get('/tenants/00000000-0000-4000-8000-000000000000')).statusCode, 404)
  t.equal((await admin.get('/tenants?limit=0')).statusCode, 400)
})
