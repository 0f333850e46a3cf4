import t from 'tap'
import { createServer } from 'node:http'
import { buildTestApp } from '../helpers/app.js'
import { ADMIN_TOKEN } from '../helpers/admin.js'
import { FULL_ADMIN } from '../../src/console/auth/roles.js'
import { csrfTokenFor } from '../../src/console/security/csrf.js'
import { SessionStore } from '../../src/console/session/session-store.js'

// Sign-out over HTTP against a discovery document served here: an end-session endpoint on
// another origin than the issuer (reached by a link, as the CSP's form-action only allows the
// issuer's origin), an IdP without one (only the local session ends), and a break-glass
// session (never sent to the IdP). oidc-sign-in.test.ts covers the same-origin redirect end to end.

const ORIGIN = 'http://console.test'
const ID_TOKEN = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.c2ln'

async function discoveryServer (t: { teardown: (fn: () => unknown) => void }, endSession: 'elsewhere' | 'none') {
  const server = createServer((req, res) => {
    const address = server.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    const issuer = `http://127.0.0.1:${port}`
    if (req.url !== '/.well-known/openid-configuration') { res.statusCode = 404; res.end(); return }
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      ...(endSession === 'elsewhere' ? { end_session_endpoint: `http://localhost:${port}/logout` } : {})
    }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => { resolve() })))
  const address = server.address()
  return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
}

async function setup (t: { teardown: (fn: () => unknown) => void }, endSession: 'elsewhere' | 'none') {
  const issuer = await discoveryServer(t, endSession)
  const clock = { now: new Date('2026-12-01T09:00:00Z') }
  const built = await buildTestApp(t, {
    env: {
      ADMIN_TOKEN,
      PUBLIC_BASE_URL: ORIGIN,
      CONSOLE_OIDC_ISSUER: issuer,
      CONSOLE_OIDC_CLIENT_ID: 'console',
      CONSOLE_OIDC_CLIENT_SECRET: 'secret',
      CONSOLE_OIDC_ALLOWED: 'admins',
      OAUTH_ALLOW_LOOPBACK_ISSUERS: 'true'
    },
    deps: { consoleNow: () => clock.now }
  })
  const store = new SessionStore(built.db, { idleMs: 30 * 60_000, absoluteMs: 8 * 3_600_000 }, () => clock.now)
  const signOut = async (method: 'oidc' | 'token') => {
    const { secret } = await store.create({
      actor: 'console:alice@example.com', method, subject: 'alice', issuer, access: FULL_ADMIN, idToken: method === 'oidc' ? ID_TOKEN : undefined
    })
    const sealed = await built.db.selectFrom('console_sessions').select('id_token_sealed').executeTakeFirstOrThrow()
    const res = await built.app.inject({
      method: 'POST',
      url: '/ui/sign-out',
      headers: { cookie: `__Host-smb_console=${secret}`, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${csrfTokenFor(secret)}`
    })
    const left = await built.db.selectFrom('console_sessions').selectAll().execute()
    return { res, sealed: sealed.id_token_sealed, left }
  }
  return { ...built, issuer, signOut }
}

t.test('an end-session endpoint on another origin: a page that goes on there, with the hint', async (t) => {
  const { app, issuer, signOut } = await setup(t, 'elsewhere')
  const page = await app.inject({ url: '/ui/sign-in' })
  t.match(page.headers['content-security-policy'], `form-action 'self' ${issuer};`, 'forms may reach the issuer only')
  const { res, sealed, left } = await signOut('oidc')
  t.match(sealed, /^v1\./, 'the ID token is kept sealed')
  t.notOk(sealed?.includes(ID_TOKEN), 'never in the clear')
  t.equal(res.statusCode, 200)
  t.same(left, [], 'the session is gone')
  t.match(String(res.headers['set-cookie']), /__Host-smb_console=.*Max-Age=0/)
  const link = /href="([^"]+)"[^>]*>Continue to sign out at your identity provider/.exec(res.body)?.[1]?.replaceAll('&amp;', '&')
  t.ok(link, 'a link to the IdP')
  const url = new URL(link ?? 'http://invalid')
  t.equal(url.origin, issuer.replace('127.0.0.1', 'localhost'))
  t.equal(url.pathname, '/logout')
  t.equal(url.searchParams.get('id_token_hint'), ID_TOKEN)
  t.equal(url.searchParams.get('post_logout_redirect_uri'), `${ORIGIN}/ui/signed-out`)
  t.equal(url.searchParams.get('client_id'), 'console')
  t.match(res.body, /<meta http-equiv="refresh" content="0; url=http:\/\/localhost:\d+\/logout\?/, 'and goes on at once')
})

t.test('an IdP without an end-session endpoint, and break-glass: only the console\'s session ends', async (t) => {
  const none = await setup(t, 'none')
  const oidc = await none.signOut('oidc')
  t.equal(oidc.res.statusCode, 303)
  t.equal(oidc.res.headers.location, '/ui/sign-in')
  t.same(oidc.left, [])
  const elsewhere = await setup(t, 'elsewhere')
  const token = await elsewhere.signOut('token')
  t.equal(token.sealed, null, 'no ID token for break-glass')
  t.equal(token.res.statusCode, 303)
  t.equal(token.res.headers.location, '/ui/sign-in', 'break-glass never goes to the IdP')
  const signedOut = await elsewhere.app.inject({ url: '/ui/signed-out' })
  t.equal(signedOut.statusCode, 200, 'the signed-out page needs no session')
  t.match(signedOut.body, /Sign in again/)
})
