import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error'

t.test('401 with a SCIM error body for missing, malformed and unknown tokens', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: Array<[string, Record<string, string>]> = [
    ['missing', {}],
    ['basic scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['empty bearer', { authorization: 'Bearer ' }],
    ['unknown token', { authorization: 'Bearer smb_thisTokenDoesNotExistAnywhere' }]
  ]
  for (const [name, headers] of cases) {
    const res = await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })
    t.equal(res.statusCode, 401, name)
    t.match(res.headers['content-type'], /^application\/scim\+json/, `${name}: content type`)
    t.match(res.headers['www-authenticate'], /^Bearer realm="scim"/, `${name}: challenge`)
    t.same(Object.keys(res.json()).sort(), ['detail', 'schemas', 'status'], `${name}: body keys`)
    t.match(res.json(), { schemas: [ERROR_SCHEMA], status: '401' }, `${name}: body`)
  }
})

t.test('a valid token passes auth; a revoked one is refused on the next request', async (t) => {
  const { app, headers, tokens, tenantId } = await buildTestApp(t)
  const ok = await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })
  t.not(ok.statusCode, 401)
  const [first] = await tokens.list(tenantId)
  await tokens.revoke(tenantId, first!.id)
  const res = await app.inject({ method: 'GET', url: '/scim/v2/Users', headers })
  t.equal(res.statusCode, 401)
})

t.test('lower-case scheme is accepted (RFC 7235 §2.1: schemes are case-insensitive)', async (t) => {
  const { app, token } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: `bearer ${token}` } })
  t.not(res.statusCode, 401)
})

t.test('health routes need no token', async (t) => {
  const { app } = await buildTestApp(t)
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
})

t.test('oversized bodies get 413 with a SCIM body, bad JSON 400 invalidSyntax', async (t) => {
  const { app, headers } = await buildTestApp(t, { env: { BODY_LIMIT_BYTES: '1024' } })
  const big = await app.inject({ method: 'POST', url: '/scim/v2/Users', headers, payload: JSON.stringify({ userName: 'x'.repeat(2000) }) })
  t.equal(big.statusCode, 413)
  t.match(big.json(), { schemas: [ERROR_SCHEMA], status: '413' })
  const bad = await app.inject({ method: 'POST', url: '/scim/v2/Users', headers, payload: '{"userName":' })
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidSyntax' })
})

t.test('responses carry a request id, and a caller\'s id is kept', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } })
  t.equal(res.headers['x-request-id'], 'abc-123')
  const other = await app.inject({ method: 'GET', url: '/healthz' })
  t.match(other.headers['x-request-id'], /^[0-9a-f-]{36}$/)
})
