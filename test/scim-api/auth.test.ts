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

// Every spelling the router maps to a SCIM route: duplicate slashes, percent-encoded letters,
// case, a trailing slash, and the absolute form of the request target (RFC 9112 §3.2.2).
const SPELLINGS = [
  '/scim/v2/Users', '//scim/v2/Users', '/scim//v2/Users', '/scim/v2//Users', '/%73cim/v2/Users', '/sc%69m/v2/%55sers',
  '/SCIM/V2/users/', 'http://bridge.example/scim/v2/Users', '/scim/v2/ServiceProviderConfig', '//scim/v2/Schemas',
  '/%73cim/v2/ResourceTypes', '/scim/v2/Users/00000000-0000-0000-0000-000000000000'
]

/** One raw HTTP/1.1 exchange, so the request target reaches the server exactly as written. */
async function rawGet (port: number, target: string, authorization?: string): Promise<{ status: number, body: string }> {
  const { connect } = await import('node:net')
  return await new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    socket.on('data', (chunk) => { data += chunk.toString() })
    socket.on('end', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n')
      resolve({ status: Number(head.split(' ')[1]), body })
    })
    socket.on('error', reject)
    const auth = authorization === undefined ? '' : `Authorization: ${authorization}\r\n`
    socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Connection: close\r\n\r\n`)
  })
}

t.test('no spelling of a SCIM path reaches a handler without a verified token', async (t) => {
  const { app, token, addTenant } = await buildTestApp(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const other = await addTenant('other')
  for (const target of SPELLINGS) {
    const anonymous = await rawGet(port, target)
    t.equal(anonymous.status, 401, `${target}: no token, 401`)
    t.match(JSON.parse(anonymous.body), { schemas: [ERROR_SCHEMA], status: '401' }, `${target}: a SCIM error body`)
    const wrong = await rawGet(port, target, 'Bearer smb_notAToken')
    t.equal(wrong.status, 401, `${target}: unknown token, 401`)
    const ok = await rawGet(port, target, `Bearer ${token}`)
    t.ok([200, 404].includes(ok.status), `${target}: with a token the route answers (${ok.status})`)
  }
  // The tenant comes from the token under every spelling: the other tenant's user is not found.
  const created = await app.inject({
    method: 'POST', url: '/scim/v2/Users', headers: other.headers, payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'o@example.com' }
  })
  t.equal(created.statusCode, 201)
  for (const target of ['//scim/v2/Users', '/%73cim/v2/Users', 'http://bridge.example/scim/v2/Users']) {
    const listed = await rawGet(port, target, `Bearer ${token}`)
    t.equal(JSON.parse(listed.body).totalResults, 0, `${target}: the first tenant sees none of the other's users`)
  }
})

t.test('the per-tenant limit counts every spelling of a SCIM path', async (t) => {
  const { app, headers } = await buildTestApp(t, { env: { SCIM_RATE_LIMIT_PER_MINUTE: '60', SCIM_RATE_LIMIT_BURST: '3' }, deps: { now: () => 0 } })
  const statuses: number[] = []
  for (const url of ['/scim/v2/Users', '//scim/v2/Users', '/%73cim/v2/Users', '/scim//v2/Users']) {
    statuses.push((await app.inject({ method: 'GET', url, headers })).statusCode)
  }
  t.same(statuses, [200, 200, 200, 429])
})
