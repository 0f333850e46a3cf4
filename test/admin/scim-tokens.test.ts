import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { adminClient, adminEnv } from '../helpers/admin.js'

t.test('SCIM tokens: created once with the secret, listed without it, revoked', async (t) => {
  const { app, tenantId } = await buildTestApp(t, { env: adminEnv })
  const admin = adminClient(app)
  const created = await admin.post(`/tenants/${tenantId}/scim-tokens`, { label: 'entra' })
  t.equal(created.statusCode, 201)
  const { id, token } = created.json()
  t.match(token, /^smb_/)
  const scim = () => app.inject({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: `Bearer ${token}` } })
  t.not((await scim()).statusCode, 401, 'the new token works on SCIM')

  const listed = (await admin.get(`/tenants/${tenantId}/scim-tokens`)).json()
  t.equal(listed.items.length, 2, 'the test token and the new one')
  t.notOk(JSON.stringify(listed).includes(token), 'no secret in the list')
  t.match(listed.items.find((i: { id: string }) => i.id === id), { label: 'entra', prefix: token.slice(0, 10), revoked_at: null })

  t.equal((await admin.delete(`/tenants/${tenantId}/scim-tokens/${id}`)).statusCode, 204)
  t.equal((await scim()).statusCode, 401, 'revoked token refused')
  t.equal((await admin.delete(`/tenants/${tenantId}/scim-tokens/${id}`)).statusCode, 404, 'already revoked')
})

t.test('a token cannot be revoked through another tenant\'s path', async (t) => {
  const { app, tenantId, addTenant } = await buildTestApp(t, { env: adminEnv })
  const other = await addTenant('other')
  const admin = adminClient(app)
  const tokens = (await admin.get(`/tenants/${other.tenantId}/scim-tokens`)).json().items
  const res = await admin.delete(`/tenants/${tenantId}/scim-tokens/${tokens[0].id}`)
  t.equal(res.statusCode, 404)
  const still = await app.inject({ method: 'GET', url: '/scim/v2/Users', headers: other.headers })
  t.not(still.statusCode, 401)
  const mine = (await admin.get(`/tenants/${tenantId}/scim-tokens`)).json().items
  t.notOk(mine.some((i: { id: string }) => i.id === tokens[0].id), 'lists show only the tenant\'s own tokens')
})
