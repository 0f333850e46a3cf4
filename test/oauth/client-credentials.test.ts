import t from 'tap'
import pino from 'pino'
import { buildApp } from '../../src/app.js'
import { createOAuthServices } from '../../src/oauth/services.js'
import { TokenService } from '../../src/tenants/token-service.js'
import { testConfig } from '../helpers/app.js'
import { adminEnv } from '../helpers/admin.js'
import { basic, buildOAuthApp, createClient, form, scimProbe, tokenRequest } from './helpers.js'

const DAY_MS = 86_400_000

t.test('form body (Microsoft validator\'s Validate_Credentials): token, headers, then SCIM with it', async (t) => {
  const app = await buildOAuthApp(t)
  const client = await createClient(app)
  t.match(client.clientId, /^smb_ci_/)
  t.match(client.secret, /^smb_cs_/)
  const res = await tokenRequest(app.app, form({
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.secret
  }))
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers.pragma, 'no-cache')
  const body = res.json()
  t.same(Object.keys(body).sort(), ['access_token', 'expires_in', 'scope', 'token_type'],
    'no refresh_token (RFC 6749 §4.4.3)')
  t.equal(body.token_type, 'Bearer')
  t.equal(body.expires_in, 3600)
  t.equal(body.scope, 'scim')
  t.match(body.access_token, /^smb_at_[A-Za-z0-9_-]{43}$/)
  // The validator: expires_in / 60 within [60, 360], then GET /Users?startIndex=1&count=1.
  t.ok(body.expires_in / 60 >= 60 && body.expires_in / 60 <= 360)
  const probe = await scimProbe(app.app, body.access_token)
  t.equal(probe.statusCode, 200)
  t.match(probe.json(), { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'] })
})

t.test('expires_in follows OAUTH_ACCESS_TOKEN_LIFETIME_SECONDS', async (t) => {
  const app = await buildOAuthApp(t, { OAUTH_ACCESS_TOKEN_LIFETIME_SECONDS: '21600' })
  const client = await createClient(app)
  const res = await tokenRequest(app.app, form({
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.secret
  }))
  t.equal(res.json().expires_in, 21600)
  t.throws(() => testConfig({ OAUTH_ACCESS_TOKEN_LIFETIME_SECONDS: '3599' }), /OAUTH_ACCESS_TOKEN_LIFETIME_SECONDS/)
  t.throws(() => testConfig({ OAUTH_ACCESS_TOKEN_LIFETIME_SECONDS: '21601' }), /OAUTH_ACCESS_TOKEN_LIFETIME_SECONDS/)
})

t.test('Basic (Entra "Header"), and Basic plus body (Entra "Both")', async (t) => {
  const app = await buildOAuthApp(t)
  const client = await createClient(app)
  const header = await tokenRequest(app.app, form({ grant_type: 'client_credentials', scope: 'scim' }),
    { authorization: basic(client.clientId, client.secret) })
  t.equal(header.statusCode, 200, 'header')
  t.equal((await scimProbe(app.app, header.json().access_token)).statusCode, 200)

  const both = await tokenRequest(app.app, form({
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.secret
  }),
  { authorization: basic(client.clientId, client.secret) })
  t.equal(both.statusCode, 200, 'both, equal')

  const other = await createClient(app, app.tenantId, 'second')
  const disagree = await tokenRequest(app.app, form({
    grant_type: 'client_credentials',
    client_id: other.clientId,
    client_secret: other.secret
  }),
  { authorization: basic(client.clientId, client.secret) })
  t.equal(disagree.statusCode, 401, 'both, different: each pair valid on its own, still refused')
  t.equal(disagree.json().error, 'invalid_client')
  t.match(disagree.headers['www-authenticate'], /^Basic realm="bridge"/)
})

t.test('wrong secret and unknown client: the same 401 invalid_client; Basic gets the challenge', async (t) => {
  const app = await buildOAuthApp(t)
  const client = await createClient(app)
  const wrongBasic = await tokenRequest(app.app, form({ grant_type: 'client_credentials' }),
    { authorization: basic(client.clientId, client.secret + 'x') })
  t.equal(wrongBasic.statusCode, 401)
  t.match(wrongBasic.headers['www-authenticate'], /^Basic realm="bridge"/)
  t.equal(wrongBasic.headers['cache-control'], 'no-store')
  const unknownBasic = await tokenRequest(app.app, form({ grant_type: 'client_credentials' }),
    { authorization: basic('smb_ci_doesnotexist', client.secret) })
  t.equal(unknownBasic.statusCode, 401)
  t.same(unknownBasic.json(), wrongBasic.json(), 'no oracle between unknown client and wrong secret')

  const wrongForm = await tokenRequest(app.app, form({
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: 'nope'
  }))
  t.equal(wrongForm.statusCode, 401)
  t.same(wrongForm.json(), { error: 'invalid_client', error_description: 'client authentication failed' })
  t.notOk(wrongForm.headers['www-authenticate'], 'no Basic challenge when Basic was not used')
  const noAuth = await tokenRequest(app.app, form({ grant_type: 'client_credentials', client_id: client.clientId }))
  t.equal(noAuth.statusCode, 401, 'client_id without any credential')
  t.equal(noAuth.json().error, 'invalid_client')
})

t.test('secrets: several active for rotation, expired and revoked ones get no token', async (t) => {
  const app = await buildOAuthApp(t)
  const client = await createClient(app)
  const ask = (secret: string) => tokenRequest(app.app, form({
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: secret
  }))
  const rotated = await app.admin.post(`/tenants/${app.tenantId}/oauth-clients/${client.id}/secrets`,
    { lifetime_days: 730 })
  t.equal(rotated.statusCode, 201)
  const second = rotated.json()
  t.equal((await ask(client.secret)).statusCode, 200, 'first secret still works during the rotation')
  t.equal((await ask(second.secret)).statusCode, 200, 'second secret works')

  app.clock.advance(366 * DAY_MS)
  t.equal((await ask(client.secret)).statusCode, 401, 'first secret expired after its year')
  t.equal((await ask(second.secret)).statusCode, 200, 'second secret still valid')

  const token = (await ask(second.secret)).json().access_token
  const secretPath = `/tenants/${app.tenantId}/oauth-clients/${client.id}/secrets/${second.id as string}`
  t.equal((await app.admin.delete(secretPath)).statusCode, 204)
  t.equal((await ask(second.secret)).statusCode, 401, 'revoked secret refused')
  t.equal((await scimProbe(app.app, token)).statusCode, 401, 'tokens issued with the revoked secret end with it')

  const list = (await app.admin.get(`/tenants/${app.tenantId}/oauth-clients`)).json()
  t.equal(list.items[0].secrets.length, 2)
  t.notOk(JSON.stringify(list).includes(client.secret) || JSON.stringify(list).includes(second.secret),
    'no secret in the list')
  t.ok(list.items[0].secrets.every((s: { prefix: string }) => s.prefix.startsWith('smb_cs_')))

  for (const lifetime of [364, 1096]) {
    const res = await app.admin.post(`/tenants/${app.tenantId}/oauth-clients/${client.id}/secrets`,
      { lifetime_days: lifetime })
    t.equal(res.statusCode, 400, `lifetime ${lifetime} days is outside one to three years`)
  }
})

t.test('RFC 6749 §5.2 errors with their statuses', async (t) => {
  const app = await buildOAuthApp(t)
  const client = await createClient(app)
  const auth = { client_id: client.clientId, client_secret: client.secret }
  const cases: Array<[string, string, number, string]> = [
    ['no grant_type', form(auth), 400, 'invalid_request'],
    ['repeated client_id', form([['grant_type', 'client_credentials'], ['client_id', client.clientId], ['client_id',
      client.clientId],
    ['client_secret', client.secret]]), 400, 'invalid_request'],
    ['repeated grant_type', form([['grant_type', 'client_credentials'], ['grant_type', 'client_credentials'],
      ['client_id', client.clientId],
      ['client_secret', client.secret]]), 400, 'invalid_request'],
    ['client_secret without client_id', form({ grant_type: 'client_credentials', client_secret: client.secret }), 400,
      'invalid_request'],
    ['password grant', form({ grant_type: 'password', ...auth }), 400, 'unsupported_grant_type'],
    ['token exchange', form({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', ...auth }), 400,
      'unsupported_grant_type'],
    ['authorization_code for a client-credentials client', form({
      grant_type: 'authorization_code',
      code: 'x',
      ...auth
    }), 400, 'unauthorized_client'],
    ['refresh_token for a client-credentials client', form({
      grant_type: 'refresh_token',
      refresh_token: 'x',
      ...auth
    }), 400, 'unauthorized_client'],
    ['malformed scope', form({ grant_type: 'client_credentials', scope: 'scim "all"', ...auth }), 400, 'invalid_scope'],
    ['unknown client', form({ grant_type: 'client_credentials', client_id: 'smb_ci_x', client_secret: 'y' }), 401,
      'invalid_client']
  ]
  for (const [name, body, status, error] of cases) {
    const res = await tokenRequest(app.app, body)
    t.equal(res.statusCode, status, `${name}: status`)
    t.equal(res.json().error, error, `${name}: error`)
    t.type(res.json().error_description, 'string', `${name}: description`)
    t.equal(res.headers['cache-control'], 'no-store', `${name}: no-store`)
  }
  const unauthorizedBasic = await tokenRequest(app.app, form({ grant_type: 'authorization_code', code: 'x' }),
    { authorization: basic(client.clientId, client.secret) })
  t.equal(unauthorizedBasic.json().error, 'unauthorized_client', 'the client authenticated, but may not use the grant')
  const bearerHeader = await tokenRequest(app.app, form({ grant_type: 'client_credentials', ...auth }),
    { authorization: 'Bearer abc' })
  t.equal(bearerHeader.statusCode, 400, 'an Authorization header of another scheme')
})

t.test('content type, method, extra parameters and body limit', async (t) => {
  const app = await buildOAuthApp(t)
  const client = await createClient(app)
  const json = await app.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.secret
    })
  })
  t.equal(json.statusCode, 400)
  t.equal(json.json().error, 'invalid_request')
  const none = await app.app.inject({ method: 'POST', url: '/oauth/token' })
  t.equal(none.statusCode, 400, 'no body')
  t.equal(none.json().error, 'invalid_request')
  const get = await app.app.inject({ method: 'GET', url: '/oauth/token' })
  t.equal(get.statusCode, 405)
  t.equal(get.headers.allow, 'POST')
  // Entra adds scope (free text), the validator baseAddress, SuccessFactors resource: ignored.
  const extra = await tokenRequest(app.app, form({
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.secret,
    scope: 'scim.readwrite offline_access',
    baseAddress: 'https://bridge.example.com/scim/v2',
    resource: 'x',
    empty: ''
  }))
  t.equal(extra.statusCode, 200)
  t.equal(extra.json().scope, 'scim', 'the granted scope is named since it differs from the request (RFC 6749 §3.3)')
  const huge = await tokenRequest(app.app, form({
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: 'x'.repeat(40_000)
  }))
  t.equal(huge.statusCode, 413)
  t.equal(huge.json().error, 'invalid_request')
})

t.test('issued tokens: expiry, revocation, tenant binding, static tokens alongside', async (t) => {
  const app = await buildOAuthApp(t)
  const client = await createClient(app)
  const issue = async () => (await tokenRequest(app.app, form({
    grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret
  }))).json().access_token as string

  const expiring = await issue()
  app.clock.advance(3600_000 - 1000)
  t.equal((await scimProbe(app.app, expiring)).statusCode, 200, 'valid one second before expiry')
  app.clock.advance(2000)
  const expired = await scimProbe(app.app, expiring)
  t.equal(expired.statusCode, 401, 'expired')
  t.match(expired.headers['www-authenticate'], /error="invalid_token"/)
  t.match(expired.json(), { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' })

  // Tenant binding: B's token sees B's users only, whatever the request says.
  const other = await app.addTenant('other')
  const otherClient = await createClient(app, other.tenantId)
  const created = await app.app.inject({
    method: 'POST',
    url: '/scim/v2/Users',
    headers: app.headers,
    payload: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'a@example.com' })
  })
  t.equal(created.statusCode, 201)
  const otherToken = (await tokenRequest(app.app, form({
    grant_type: 'client_credentials', client_id: otherClient.clientId, client_secret: otherClient.secret
  }))).json().access_token as string
  const otherList = await scimProbe(app.app, otherToken)
  t.equal(otherList.json().totalResults, 0, 'tenant B does not see tenant A\'s user')
  const read = await app.app.inject({
    method: 'GET',
    url: `/scim/v2/Users/${created.json().id as string}`,
    headers: { authorization: `Bearer ${otherToken}` }
  })
  t.equal(read.statusCode, 404)
  const mine = await issue()
  t.equal((await scimProbe(app.app, mine)).json().totalResults, 1, 'tenant A\'s OAuth token sees it')
  t.equal((await app.app.inject({ method: 'GET', url: '/scim/v2/Users', headers: app.headers })).statusCode, 200,
    'static token still works')

  // Revoking the client: no new token, and its live tokens stop.
  t.equal((await app.admin.delete(`/tenants/${app.tenantId}/oauth-clients/${client.id}`)).statusCode, 204)
  t.equal((await scimProbe(app.app, mine)).statusCode, 401, 'revoked client\'s token refused')
  const again = await tokenRequest(app.app, form({
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.secret
  }))
  t.equal(again.statusCode, 401, 'revoked client gets no token')
  t.equal((await app.admin.delete(`/tenants/${app.tenantId}/oauth-clients/${client.id}`)).statusCode, 404,
    'already revoked')
  t.equal((await scimProbe(app.app, otherToken)).statusCode, 200, 'the other tenant\'s token is untouched')
})

t.test('a revocation in one replica ends the token in another within the verify cache lifetime', async (t) => {
  const app = await buildOAuthApp(t)
  const client = await createClient(app)
  const token = (await tokenRequest(app.app, form({
    grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret
  }))).json().access_token as string
  // A second replica on the same database, with the production cache lifetime (5 s).
  const replica = await buildApp({
    config: testConfig(adminEnv),
    db: app.db,
    logger: pino({ level: 'silent' }),
    tokens: new TokenService(app.db, 0),
    now: app.clock.now,
    oauth: createOAuthServices(app.db, { now: app.clock.now, accessTokenCacheMs: 5000 })
  })
  t.teardown(() => replica.close())
  t.equal((await scimProbe(replica, token)).statusCode, 200, 'replica caches the verified token')
  t.equal((await app.admin.delete(`/tenants/${app.tenantId}/oauth-clients/${client.id}`)).statusCode, 204)
  app.clock.advance(5000)
  t.equal((await scimProbe(replica, token)).statusCode, 401, 'refused once the cache entry is older than 5 s')
})

t.test('failed attempts are limited per client and per address', async (t) => {
  const app = await buildOAuthApp(t, { OAUTH_CLIENT_FAILURES_PER_MINUTE: '3', OAUTH_ADDRESS_FAILURES_PER_MINUTE: '0' })
  const victim = await createClient(app)
  const bystander = await createClient(app, app.tenantId, 'bystander')
  const ask = (c: { clientId: string }, secret: string) =>
    tokenRequest(app.app, form({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: secret }))
  for (let i = 0; i < 3; i++) t.equal((await ask(victim, 'guess' + String(i))).statusCode, 401)
  const limited = await ask(victim, victim.secret)
  t.equal(limited.statusCode, 429, 'the fourth attempt in the minute is refused, even with the right secret')
  t.ok(Number(limited.headers['retry-after']) >= 1)
  t.equal(limited.headers['cache-control'], 'no-store')
  t.equal((await ask(bystander, bystander.secret)).statusCode, 200, 'another client is not locked out')
  app.clock.advance(60_000)
  t.equal((await ask(victim, victim.secret)).statusCode, 200, 'the window ended')
})

t.test('failed attempts from one address are limited across client ids', async (t) => {
  const app = await buildOAuthApp(t, { OAUTH_CLIENT_FAILURES_PER_MINUTE: '0', OAUTH_ADDRESS_FAILURES_PER_MINUTE: '4' })
  const client = await createClient(app)
  for (let i = 0; i < 4; i++) {
    t.equal((await tokenRequest(app.app, form({
      grant_type: 'client_credentials',
      client_id: `smb_ci_guess${i}`,
      client_secret: 'x'
    }))).statusCode, 401)
  }
  const limited = await tokenRequest(app.app, form({
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.secret
  }))
  t.equal(limited.statusCode, 429)
  t.ok(Number(limited.headers['retry-after']) >= 1)
})

t.test('no secret, issued token or assertion reaches the logs', async (t) => {
  const app = await buildOAuthApp(t)
  const client = await createClient(app)
  const ok = await tokenRequest(app.app, form({
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.secret
  }))
  const token = ok.json().access_token as string
  await tokenRequest(app.app, form({ grant_type: 'client_credentials' }), {
    authorization: basic(client.clientId,
      client.secret)
  })
  await tokenRequest(app.app, form({
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.secret + 'wrong'
  }))
  const mintPath = `/tenants/${app.tenantId}/oauth-clients/${client.id}/access-tokens`
  const minted = (await app.admin.post(mintPath)).json().access_token as string
  await scimProbe(app.app, token)
  await scimProbe(app.app, minted)
  const text = app.logs.join('')
  t.ok(text.includes('oauth access token issued'), 'the exchange was logged (the capture works)')
  t.ok(text.includes('secret_mismatch'), 'the failure reason is logged')
  for (const secret of [client.secret, token, minted,
    Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')]) {
    t.notOk(text.includes(secret), `log free of ${secret.slice(0, 7)}…`)
  }
})

t.test('admin: the first-token step for Entra configured through Microsoft Graph', async (t) => {
  const app = await buildOAuthApp(t)
  const client = await createClient(app)
  const res = await app.admin.post(`/tenants/${app.tenantId}/oauth-clients/${client.id}/access-tokens`)
  t.equal(res.statusCode, 201)
  t.equal(res.headers['cache-control'], 'no-store')
  t.match(res.json(), { token_type: 'Bearer', expires_in: 3600, scope: 'scim' })
  t.equal((await scimProbe(app.app, res.json().access_token)).statusCode, 200)
  await app.admin.delete(`/tenants/${app.tenantId}/oauth-clients/${client.id}`)
  t.equal((await scimProbe(app.app, res.json().access_token)).statusCode, 401, 'ends with the client')
  t.equal((await app.admin.post(`/tenants/${app.tenantId}/oauth-clients/${client.id}/access-tokens`)).statusCode, 409)
  const other = await app.addTenant('other')
  t.equal((await app.admin.get(`/tenants/${other.tenantId}/oauth-clients/${client.id}`)).statusCode, 404,
    'not through another tenant')
})
