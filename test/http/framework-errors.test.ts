import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { adminEnv } from '../helpers/admin.js'

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error'

t.test('router errors on SCIM paths are SCIM error bodies, elsewhere the JSON error', async (t) => {
  const { app, headers } = await buildTestApp(t, { env: adminEnv })
  const long = 'a'.repeat(200)
  for (const url of [`/scim/v2/Users/${long}`, `//scim/v2/Groups/${long}`, `/SCIM/v2/Schemas/${long}`, `/%73cim/v2/Users/${long}`]) {
    const res = await app.inject({ method: 'GET', url, headers })
    t.equal(res.statusCode, 414, url.slice(0, 30))
    t.match(res.headers['content-type'], /^application\/scim\+json/)
    t.match(res.json(), { schemas: [ERROR], status: '414' })
  }
  const bad = await app.inject({ method: 'GET', url: '/scim/v2/Users/%ZZ', headers })
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { schemas: [ERROR], status: '400' })
  const admin = await app.inject({ method: 'GET', url: `/admin/v1/tenants/${long}`, headers: { authorization: `Bearer ${adminEnv.ADMIN_TOKEN}` } })
  t.equal(admin.statusCode, 414)
  t.match(admin.json(), { error: 'uri_too_long', status: 414 })
})

t.test('a body in another media type is 415 with a SCIM error body', async (t) => {
  const { app, headers } = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/scim/v2/Users', headers: { ...headers, 'content-type': 'application/xml' }, payload: '<user/>' })
  t.equal(res.statusCode, 415)
  t.match(res.json(), { schemas: [ERROR], status: '415' })
})

t.test('a SCIM path no route serves, in any spelling the router accepts, is a SCIM 404', async (t) => {
  const { app, headers } = await buildTestApp(t)
  const targets: Array<['GET' | 'PATCH', string]> = [
    ['GET', '/scim/v2/Nope'], ['GET', '//scim/v2/Nope'], ['GET', '/SCIM/v2/Nope'], ['GET', '/scim//v2/Nope/x'],
    ['GET', '//scim/v2/'], ['PATCH', '/scim//v2/Schemas/..']
  ]
  for (const [method, url] of targets) {
    const res = await app.inject({ method, url, headers: { ...headers, 'content-type': 'application/scim+json' }, payload: method === 'PATCH' ? '{}' : undefined })
    t.equal(res.statusCode, 404, `${method} ${url}`)
    t.match(res.headers['content-type'], /^application\/scim\+json/, `${method} ${url}: SCIM media type`)
    t.match(res.json(), { schemas: [ERROR], status: '404' }, `${method} ${url}: SCIM error body`)
  }
  // Without a token the scope's auth answers first, as for every SCIM route.
  const anonymous = await app.inject({ method: 'GET', url: '//scim/v2/Nope' })
  t.equal(anonymous.statusCode, 401)
  t.match(anonymous.json(), { schemas: [ERROR], status: '401' })
})
