import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWK, type JWTPayload } from 'jose'
import pino from 'pino'
import { buildApp } from '../../src/app.js'
import { createOAuthServices } from '../../src/oauth/services.js'
import { TokenService } from '../../src/tenants/token-service.js'
import { testConfig } from '../helpers/app.js'
import { adminEnv } from '../helpers/admin.js'
import { buildOAuthApp, form, scimProbe, tokenRequest, type OAuthTestApp } from './helpers.js'

const ENTRA_TENANT = 'ce5f061f-1111-4222-8333-444455556666'
const APP_ID = 'b5ba7a93-aaaa-4bbb-8ccc-ddddeeeeffff'
const OBJECT_ID = 'd2f8ee76-0000-4111-8222-333344445555'
const ISSUER = `https://login.microsoftonline.com/${ENTRA_TENANT}/v2.0`
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

type Keys = Awaited<ReturnType<typeof generateKeyPair>>
interface SigningKey { kid: string, keys: Keys, jwk: JWK }

async function signingKey (kid: string): Promise<SigningKey> {
  const keys = await generateKeyPair('RS256', { extractable: true })
  return { kid, keys, jwk: { ...(await exportJWK(keys.publicKey)), kid, alg: 'RS256', use: 'sig' } }
}

/** The issuer's key set on loopback: what it serves, how it answers, and how often it was asked. */
interface TestIssuer {
  url: string,
  published: SigningKey[],
  mode: 'ok' | 'down' | 'redirect',
  requests: number,
  server: Server
}

async function startIssuer (t: { teardown: (fn: () => unknown) => void },
  published: SigningKey[]): Promise<TestIssuer> {
  const issuer = { url: '', published, mode: 'ok', requests: 0 } as TestIssuer
  issuer.server = createServer((_req, res) => {
    issuer.requests++
    if (issuer.mode === 'down') return res.writeHead(503).end()
    if (issuer.mode === 'redirect') return res.writeHead(302, { location: 'http://127.0.0.1:1/keys' }).end()
    const body = JSON.stringify({ keys: issuer.published.map((k) => k.jwk) })
    res.writeHead(200, { 'content-type': 'application/json' }).end(body)
  })
  await new Promise<void>((resolve) => issuer.server.listen(0, '127.0.0.1', resolve))
  issuer.url = `http://127.0.0.1:${(issuer.server.address() as AddressInfo).port}/${ENTRA_TENANT}/discovery/v2.0/keys`
  t.teardown(() => new Promise<void>((resolve) => issuer.server.close(() => resolve())))
  return issuer
}

/** Claims as Entra's provisioning service presents them (no jti: Entra sends uti). */
function entraClaims (nowMs: number, overrides: JWTPayload = {}): JWTPayload {
  const iat = Math.floor(nowMs / 1000)
  return {
    iss: ISSUER,
    sub: OBJECT_ID,
    aud: APP_ID,
    tid: ENTRA_TENANT,
    oid: OBJECT_ID,
    iat,
    nbf: iat,
    exp: iat + 3900,
    azp: APP_ID,
    ver: '2.0',
    uti: 'AbCdEf',
    ...overrides
  }
}

async function sign (key: SigningKey, claims: JWTPayload, kid = key.kid): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(key.keys.privateKey)
}

interface Fixture { app: OAuthTestApp, issuer: TestIssuer, key: SigningKey, trustId: string, clientId: string }

async function fixture (t: { teardown: (fn: () => unknown) => void },
  audiences = [`api://${APP_ID}/.default`]): Promise<Fixture> {
  // Failure limits off: these tests send many bad assertions on purpose.
  const app = await buildOAuthApp(t, { OAUTH_ALLOW_LOOPBACK_ISSUERS: 'true', OAUTH_CLIENT_FAILURES_PER_MINUTE: '0' })
  const key = await signingKey('key-1')
  const issuer = await startIssuer(t, [key])
  const res = await app.admin.post(`/tenants/${app.tenantId}/federation-trusts`, {
    label: 'entra wif', issuer: ISSUER, jwks_uri: issuer.url, subject: OBJECT_ID, audiences
  })
  if (res.statusCode !== 201) throw new Error(`trust: ${res.statusCode} ${res.body}`)
  return { app, issuer, key, trustId: res.json().id, clientId: res.json().client_id }
}

/** The WIF token request as Entra sends it (Microsoft's WIF guide). */
function wifRequest (f: Fixture, assertion: string, extra: Record<string, string> = {}, clientId = f.clientId) {
  return tokenRequest(f.app.app, form({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
    ...extra
  }))
}

function reasons (app: OAuthTestApp): string[] {
  return app.logs.map((l) => JSON.parse(l) as { reason?: string }).flatMap((l) => (l.reason ? [l.reason] : []))
}

t.test('an Entra-shaped assertion signed by the loopback issuer gets a token that works on SCIM', async (t) => {
  const f = await fixture(t)
  const trust = (await f.app.admin.get(`/tenants/${f.app.tenantId}/federation-trusts/${f.trustId}`)).json()
  t.same(trust.audiences, [`api://${APP_ID}`, APP_ID], '/.default dropped, both exact forms kept')
  t.match(f.clientId, /^smb_wif_/)
  const res = await wifRequest(f, await sign(f.key, entraClaims(f.app.clock.now())), { scope: 'scim' })
  t.equal(res.statusCode, 200, res.body)
  t.match(res.json(), { token_type: 'Bearer', expires_in: 3600, scope: 'scim' })
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal((await scimProbe(f.app.app, res.json().access_token)).statusCode, 200)
  // The validator's Federated_Identity_Test: no scope, an extra baseAddress.
  const validator = await wifRequest(f, await sign(f.key, entraClaims(f.app.clock.now())),
    { baseAddress: 'https://x.example/scim/v2' })
  t.equal(validator.statusCode, 200)
  t.ok(validator.json().access_token)
})

t.test('audiences: exact members of the configured set only', async (t) => {
  const f = await fixture(t)
  const now = f.app.clock.now()
  const cases: Array<[string, JWTPayload['aud'], number]> = [
    ['bare app id', APP_ID, 200],
    ['api:// form', `api://${APP_ID}`, 200],
    ['array containing it', ['something-else', APP_ID], 200],
    ['api:// with a host', `api://${APP_ID}/other-host`, 401],
    ['the scope form itself', `api://${APP_ID}/.default`, 401],
    ['another app', 'api://00000000-0000-4000-8000-000000000000', 401]
  ]
  for (const [name, aud, status] of cases) {
    const res = await wifRequest(f, await sign(f.key, entraClaims(now, { aud })))
    t.equal(res.statusCode, status, name)
  }
})

t.test('every bad assertion is 401 invalid_client with its own reason in the log', async (t) => {
  const f = await fixture(t)
  const now = f.app.clock.now()
  const s = Math.floor(now / 1000)
  const publicPem = Buffer.from(JSON.stringify(f.key.jwk))
  const valid = await sign(f.key, entraClaims(now))
  const [h, , sig] = valid.split('.') as [string, string, string]
  const tamperedPayload = Buffer.from(JSON.stringify({
    ...entraClaims(now),
    sub: 'someone-else'
  })).toString('base64url')
  const cases: Array<[string, Promise<string> | string, string]> = [
    ['wrong issuer', sign(f.key, entraClaims(now,
      { iss: 'https://login.microsoftonline.com/99999999-1111-4222-8333-444455556666/v2.0' })),
    'assertion_issuer'],
    ['tid differs from the tenant in iss', sign(f.key, entraClaims(now,
      { tid: '99999999-1111-4222-8333-444455556666' })), 'assertion_tenant'],
    ['no tid', sign(f.key, entraClaims(now, { tid: undefined })), 'assertion_tenant'],
    ['wrong subject', sign(f.key, entraClaims(now, { sub: 'another-object-id' })), 'assertion_subject'],
    ['expired beyond the 5 min skew', sign(f.key, entraClaims(now, { iat: s - 4500, nbf: s - 4500, exp: s - 301 })),
      'assertion_expired'],
    ['nbf 10 min ahead', sign(f.key, entraClaims(now, { nbf: s + 600 })), 'assertion_not_yet_valid'],
    ['iat 10 min ahead', sign(f.key, entraClaims(now, { iat: s + 600 })), 'assertion_issued_in_future'],
    ['alg none', new UnsecuredJWT(entraClaims(now)).encode(), 'assertion_algorithm'],
    ['HS256 keyed with the public key', new SignJWT(entraClaims(now)).setProtectedHeader({
      alg: 'HS256',
      kid: f.key.kid
    })
      .sign(new Uint8Array(publicPem)), 'assertion_algorithm'],
    ['tampered payload', `${h}.${tamperedPayload}.${sig}`, 'assertion_signature'],
    ['signed by a key the issuer never published', signingKey('key-1').then((k) => sign(k, entraClaims(now))),
      'assertion_signature'],
    ['no kid', new SignJWT(entraClaims(now)).setProtectedHeader({ alg: 'RS256' }).sign(f.key.keys.privateKey),
      'assertion_no_kid'],
    ['not a JWT', 'not.a.jwt', 'assertion_malformed']
  ]
  for (const [name, assertion, reason] of cases) {
    const before = reasons(f.app).length
    const res = await wifRequest(f, await assertion)
    t.equal(res.statusCode, 401, `${name}: status`)
    t.same(res.json(), { error: 'invalid_client', error_description: 'client authentication failed' }, `${name}: body`)
    t.same(reasons(f.app).slice(before), [reason], `${name}: logged reason`)
  }
  const stillFine = await wifRequest(f, await sign(f.key, entraClaims(now, { exp: s - 200 })))
  t.equal(stillFine.statusCode, 200, 'expired by less than the tolerance still passes')
})

t.test('key rotation: an unknown kid refetches once per cooldown; known keys survive an outage', async (t) => {
  const f = await fixture(t)
  t.equal((await wifRequest(f, await sign(f.key, entraClaims(f.app.clock.now())))).statusCode, 200)
  t.equal(f.issuer.requests, 1, 'first use fetches the key set')
  t.equal((await wifRequest(f, await sign(f.key, entraClaims(f.app.clock.now())))).statusCode, 200)
  t.equal(f.issuer.requests, 1, 'a known kid needs no fetch')

  f.app.clock.advance(61_000)
  const rotated = await signingKey('key-2')
  f.issuer.published = [rotated]
  t.equal((await wifRequest(f, await sign(rotated, entraClaims(f.app.clock.now())))).statusCode, 200,
    'new kid after rotation')
  t.equal(f.issuer.requests, 2, 'exactly one refetch')

  for (let i = 0; i < 10; i++) {
    const unknown = await signingKey(`unknown-${i}`)
    t.equal((await wifRequest(f, await sign(unknown, entraClaims(f.app.clock.now())))).statusCode, 401)
  }
  t.equal(f.issuer.requests, 2, 'ten unknown kids inside the cooldown: no further fetch')

  f.issuer.mode = 'down'
  f.app.clock.advance(61_000)
  t.equal((await wifRequest(f, await sign(rotated, entraClaims(f.app.clock.now())))).statusCode, 200,
    'key set down, kid cached')
  const never = await signingKey('never-published')
  const before = reasons(f.app).length
  t.equal((await wifRequest(f, await sign(never, entraClaims(f.app.clock.now())))).statusCode, 401,
    'unknown kid with the key set down: refused')
  t.same(reasons(f.app).slice(before), ['assertion_jwks_unreachable'])

  // A restart: new services on the same database, key set still down.
  const restarted = await buildApp({
    config: testConfig({ ...adminEnv, OAUTH_ALLOW_LOOPBACK_ISSUERS: 'true' }),
    db: f.app.db,
    logger: pino({ level: 'silent' }),
    tokens: new TokenService(f.app.db, 0),
    now: f.app.clock.now,
    oauth: createOAuthServices(f.app.db, { now: f.app.clock.now })
  })
  t.teardown(() => restarted.close())
  const afterRestart = await tokenRequest(restarted, form({
    grant_type: 'client_credentials',
    client_id: f.clientId,
    client_assertion_type: JWT_BEARER,
    client_assertion: await sign(rotated, entraClaims(f.app.clock.now()))
  }))
  t.equal(afterRestart.statusCode, 200, 'the stored key set verifies after a restart')
})

t.test('a key set answering with a redirect is not followed', async (t) => {
  const f = await fixture(t)
  f.issuer.mode = 'redirect'
  const before = reasons(f.app).length
  t.equal((await wifRequest(f, await sign(f.key, entraClaims(f.app.clock.now())))).statusCode, 401)
  t.same(reasons(f.app).slice(before), ['assertion_jwks_unreachable'])
})

t.test('replay: an assertion with a jti is single-use; Entra\'s (no jti) may be presented again', async (t) => {
  const f = await fixture(t)
  const entra = await sign(f.key, entraClaims(f.app.clock.now()))
  t.equal((await wifRequest(f, entra)).statusCode, 200)
  t.equal((await wifRequest(f, entra)).statusCode, 200, 'Entra re-presents a cached assertion while it lives')
  const withJti = await sign(f.key, entraClaims(f.app.clock.now(), { jti: 'one-time-id' }))
  t.equal((await wifRequest(f, withJti)).statusCode, 200)
  const before = reasons(f.app).length
  t.equal((await wifRequest(f, withJti)).statusCode, 401, 'replayed jti refused')
  t.same(reasons(f.app).slice(before), ['assertion_replayed'])
  const rows = await f.app.db.selectFrom('oauth_assertion_ids').select('jti').execute()
  t.same(rows.map((r) => r.jti), ['one-time-id'], 'stored in the database, shared by replicas')
})

t.test('request shape: client_id, assertion type, no secret alongside, grant types', async (t) => {
  const f = await fixture(t)
  const assertion = await sign(f.key, entraClaims(f.app.clock.now()))
  const cases: Array<[string, Record<string, string>, number, string]> = [
    ['no client_id', {
      grant_type: 'client_credentials',
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion
    }, 400, 'invalid_request'],
    ['assertion and secret', {
      grant_type: 'client_credentials',
      client_id: f.clientId,
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion,
      client_secret: 'x'
    }, 400, 'invalid_request'],
    ['wrong assertion type', {
      grant_type: 'client_credentials',
      client_id: f.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
      client_assertion: assertion
    }, 400, 'invalid_request'],
    ['type without assertion', {
      grant_type: 'client_credentials',
      client_id: f.clientId,
      client_assertion_type: JWT_BEARER
    }, 400, 'invalid_request'],
    ['token exchange', {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      client_id: f.clientId,
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion
    }, 400, 'unsupported_grant_type'],
    ['unknown client id', {
      grant_type: 'client_credentials',
      client_id: 'smb_wif_nope',
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion
    }, 401, 'invalid_client']
  ]
  for (const [name, params, status, error] of cases) {
    const res = await tokenRequest(f.app.app, form(params))
    t.equal(res.statusCode, status, `${name}: status`)
    t.equal(res.json().error, error, `${name}: error`)
  }
})

t.test('tenant binding, revocation and rotation of a trust', async (t) => {
  const f = await fixture(t)
  const other = await f.app.addTenant('other')
  const otherTrust = (await f.app.admin.post(`/tenants/${other.tenantId}/federation-trusts`, {
    label: 'theirs', issuer: ISSUER, jwks_uri: f.issuer.url, subject: 'their-object-id', audiences: [APP_ID]
  })).json()
  const mine = await sign(f.key, entraClaims(f.app.clock.now()))
  t.equal((await wifRequest(f, mine, {}, otherTrust.client_id as string)).statusCode, 401,
    'an assertion for my trust presented with another tenant\'s client_id')

  const token = (await wifRequest(f, mine)).json().access_token as string
  t.equal((await scimProbe(f.app.app, token)).statusCode, 200)
  // Rotation to a new workload identity: new subject, old tokens end, old assertions refused.
  const patched = await f.app.admin.patch(`/tenants/${f.app.tenantId}/federation-trusts/${f.trustId}`,
    { subject: 'new-object-id' })
  t.equal(patched.statusCode, 200)
  t.equal(patched.json().subject, 'new-object-id')
  t.equal((await scimProbe(f.app.app, token)).statusCode, 401, 'tokens under the old values end')
  t.equal((await wifRequest(f, mine)).statusCode, 401, 'the old subject no longer passes')
  const renewed = (await wifRequest(f, await sign(f.key, entraClaims(f.app.clock.now(),
    { sub: 'new-object-id' })))).json().access_token as string
  t.equal((await scimProbe(f.app.app, renewed)).statusCode, 200)

  t.equal((await f.app.admin.delete(`/tenants/${f.app.tenantId}/federation-trusts/${f.trustId}`)).statusCode, 204)
  t.equal((await scimProbe(f.app.app, renewed)).statusCode, 401, 'revoked trust: its tokens end')
  t.equal((await wifRequest(f, await sign(f.key, entraClaims(f.app.clock.now(),
    { sub: 'new-object-id' })))).statusCode, 401,
  'revoked trust: no new token')
  t.equal((await f.app.admin.get(`/tenants/${other.tenantId}/federation-trusts/${f.trustId}`)).statusCode, 404,
    'not via another tenant')
})

t.test('admin refuses key sets off the Entra hosts (and loopback unless the test setting is on)', async (t) => {
  const app = await buildOAuthApp(t)
  const base = { label: 'x', issuer: ISSUER, subject: OBJECT_ID, audiences: [APP_ID] }
  for (const jwks of ['http://127.0.0.1:9/keys', 'https://evil.example.com/keys',
    'http://login.microsoftonline.com/x/keys', 'not a url']) {
    const res = await app.admin.post(`/tenants/${app.tenantId}/federation-trusts`, { ...base, jwks_uri: jwks })
    t.equal(res.statusCode, 400, jwks)
  }
  const entra = await app.admin.post(`/tenants/${app.tenantId}/federation-trusts`,
    { ...base, jwks_uri: `https://login.microsoftonline.com/${ENTRA_TENANT}/discovery/v2.0/keys` })
  t.equal(entra.statusCode, 201)
  t.equal((await app.admin.post(`/tenants/${app.tenantId}/federation-trusts`, {
    ...base,
    issuer: 'http://evil.example.com',
    jwks_uri:
    `https://login.windows.net/${ENTRA_TENANT}/discovery/v2.0/keys`
  })).statusCode, 400, 'issuer over http')
})

t.test('no assertion or issued token reaches the logs', async (t) => {
  const f = await fixture(t)
  const assertion = await sign(f.key, entraClaims(f.app.clock.now()))
  const token = (await wifRequest(f, assertion)).json().access_token as string
  await wifRequest(f, await sign(f.key, entraClaims(f.app.clock.now(), { sub: 'bad' })))
  await scimProbe(f.app.app, token)
  const text = f.app.logs.join('')
  t.ok(text.includes('oauth access token issued') && text.includes('assertion_subject'), 'the exchanges were logged')
  t.notOk(text.includes(assertion.split('.')[2]!), 'no assertion signature')
  t.notOk(text.includes(assertion.split('.')[1]!), 'no assertion payload')
  t.notOk(text.includes(token), 'no access token')
})
