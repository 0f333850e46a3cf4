import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from '../helpers/app.js'
import { ADMIN_TOKEN } from '../helpers/admin.js'
import { hashSecret } from '../../src/console/session/session-store.js'
import { csrfTokenFor } from '../../src/console/security/csrf.js'
import { CONTENT_SECURITY_POLICY } from '../../src/console/security/headers.js'

// The console's security foundation over HTTP (fastify inject): cookie, session lifetimes on
// an injected clock, CSRF and Origin checks, and the separation from /admin/v1.

const ORIGIN = 'http://console.test'
const form = { 'content-type': 'application/x-www-form-urlencoded', host: 'console.test', origin: ORIGIN }

async function setup (t: { teardown: (fn: () => unknown) => void }, env: Record<string, string> = {}) {
  const clock = { now: new Date('2026-12-01T09:00:00Z') }
  const built = await buildTestApp(t, { env: { ADMIN_TOKEN, ...env }, deps: { consoleNow: () => clock.now } })
  return { ...built, clock }
}

async function signIn (app: FastifyInstance, next = '/ui'): Promise<{ cookie: string, secret: string, location: string | undefined }> {
  const res = await app.inject({ method: 'POST', url: '/ui/sign-in/token', headers: form, payload: `token=${ADMIN_TOKEN}&next=${encodeURIComponent(next)}` })
  const setCookie = String(res.headers['set-cookie'])
  const secret = /__Host-smb_console=([^;]+)/.exec(setCookie)?.[1] ?? ''
  return { cookie: `__Host-smb_console=${secret}`, secret, location: res.headers.location as string | undefined }
}

t.test('headers: strict CSP, no-store, no framing', async (t) => {
  const { app } = await setup(t)
  const res = await app.inject({ url: '/ui/sign-in' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY)
  t.match(CONTENT_SECURITY_POLICY, /script-src 'self'/)
  t.notMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval/)
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers['x-frame-options'], 'DENY')
  t.notMatch(res.body, /<script>|<style>|style="|\son[a-z]+="/, 'no inline script, style or handler')
})

t.test('sign-in: cookie attributes, hashed storage, open redirects refused', async (t) => {
  const { app, db } = await setup(t)
  const res = await app.inject({ method: 'POST', url: '/ui/sign-in/token', headers: form, payload: `token=${ADMIN_TOKEN}&next=%2F%2Fevil.example` })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/ui', 'a protocol-relative next is ignored')
  t.match(String(res.headers['set-cookie']), /^__Host-smb_console=[A-Za-z0-9_-]{43}; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=28800$/)
  const secret = /__Host-smb_console=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1] ?? ''
  const rows = await db.selectFrom('console_sessions').selectAll().execute()
  t.equal(rows.length, 1)
  t.equal(rows[0]?.id_hash, hashSecret(secret), 'only the hash is stored')
  t.notOk(JSON.stringify(rows).includes(secret), 'the secret itself is nowhere in the table')
  t.equal((await signIn(app, '/ui/tenants')).location, '/ui/tenants', 'a console path is kept')
})

t.test('a wrong token is refused and recorded; repeated guesses are limited', async (t) => {
  const { app, db } = await setup(t)
  const bad = await app.inject({ method: 'POST', url: '/ui/sign-in/token', headers: form, payload: 'token=wrong-token-0123456789abcdef' })
  t.equal(bad.statusCode, 401)
  t.notOk(bad.headers['set-cookie'])
  const statuses: number[] = []
  for (let i = 0; i < 6; i++) {
    statuses.push((await app.inject({ method: 'POST', url: '/ui/sign-in/token', headers: form, payload: 'token=wrong' })).statusCode)
  }
  t.equal(statuses.at(-1), 429, 'the sixth attempt within a minute is limited')
  const refused = await db.selectFrom('console_events').select(['action', 'outcome']).where('outcome', '=', 'refused').execute()
  t.ok(refused.length >= 5)
})

t.test('idle and absolute timeouts on the injected clock', async (t) => {
  const { app, clock } = await setup(t, { CONSOLE_SESSION_IDLE_MINUTES: '30', CONSOLE_SESSION_MAX_HOURS: '2' })
  let { cookie } = await signIn(app)
  const get = async () => await app.inject({ url: '/ui', headers: { cookie } })
  t.equal((await get()).statusCode, 200, 'signed in')
  clock.now = new Date(clock.now.getTime() + 29 * 60_000)
  t.equal((await get()).statusCode, 200, '29 minutes idle: still in')
  clock.now = new Date(clock.now.getTime() + 31 * 60_000)
  const idle = await get()
  t.equal(idle.statusCode, 303, '31 minutes idle: out')
  t.equal(idle.headers.location, '/ui/sign-in?next=%2Fui')

  cookie = (await signIn(app)).cookie
  for (let i = 0; i < 5; i++) {
    clock.now = new Date(clock.now.getTime() + 20 * 60_000)
    t.equal((await get()).statusCode, 200, `active at ${(i + 1) * 20} minutes`)
  }
  clock.now = new Date(clock.now.getTime() + 20 * 60_000)
  t.equal((await get()).statusCode, 303, 'two hours after sign-in: out, however active')
})

t.test('state changes need the CSRF token and this origin', async (t) => {
  const { app, tenantId } = await setup(t)
  const { cookie, secret } = await signIn(app)
  const url = `/ui/tenants/${tenantId}/scim-tokens`
  const post = async (headers: Record<string, string>, payload: string) =>
    await app.inject({ method: 'POST', url, headers: { ...form, cookie, ...headers }, payload })
  t.equal((await post({}, 'label=a')).statusCode, 403, 'no token')
  t.equal((await post({}, 'label=a&_csrf=wrong')).statusCode, 403, 'a wrong token')
  t.equal((await post({}, `label=a&_csrf=${csrfTokenFor('another-session-secret-0123456789')}`)).statusCode, 403, 'another session\'s token')
  t.equal((await post({ origin: 'https://evil.example' }, `label=a&_csrf=${csrfTokenFor(secret)}`)).statusCode, 403, 'another origin')
  t.equal((await post({ origin: 'null' }, `label=a&_csrf=${csrfTokenFor(secret)}`)).statusCode, 403, 'an opaque origin')
  const ok = await post({}, `label=ok&_csrf=${csrfTokenFor(secret)}`)
  t.equal(ok.statusCode, 200, 'token and origin: accepted')
  t.match(ok.body, /smb_[A-Za-z0-9_-]{20,}/, 'the new secret is shown once')
  const header = await post({ 'x-csrf-token': csrfTokenFor(secret), 'hx-request': 'true' }, 'label=htmx')
  t.equal(header.statusCode, 200, 'the htmx header works too')
  t.notMatch(header.body, /<html/, 'htmx gets a fragment')
  const noSession = await app.inject({ method: 'POST', url, headers: form, payload: 'label=x' })
  t.equal(noSession.statusCode, 401, 'no session: 401')
})

t.test('cookies never authenticate /admin/v1; the admin token alone does', async (t) => {
  const { app } = await setup(t)
  const { cookie } = await signIn(app)
  t.equal((await app.inject({ url: '/admin/v1/tenants', headers: { cookie } })).statusCode, 401)
  t.equal((await app.inject({ url: '/admin/v1/tenants', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).statusCode, 200)
})

t.test('sign-out ends the session on the server', async (t) => {
  const { app, db } = await setup(t)
  const { cookie, secret } = await signIn(app)
  const refused = await app.inject({ method: 'POST', url: '/ui/sign-out', headers: { ...form, cookie }, payload: '' })
  t.equal(refused.statusCode, 403, 'sign-out needs the token too')
  const out = await app.inject({ method: 'POST', url: '/ui/sign-out', headers: { ...form, cookie }, payload: `_csrf=${csrfTokenFor(secret)}` })
  t.equal(out.statusCode, 303)
  t.match(String(out.headers['set-cookie']), /Max-Age=0/)
  t.equal((await db.selectFrom('console_sessions').selectAll().execute()).length, 0)
  t.equal((await app.inject({ url: '/ui', headers: { cookie } })).statusCode, 303, 'the old cookie is worthless')
})

t.test('the break-glass sign-in can be turned off; the console can be turned off', async (t) => {
  const off = await setup(t, { CONSOLE_TOKEN_SIGN_IN: 'false' })
  const res = await off.app.inject({ method: 'POST', url: '/ui/sign-in/token', headers: form, payload: `token=${ADMIN_TOKEN}` })
  t.equal(res.statusCode, 403)
  t.notOk(res.headers['set-cookie'])
  const none = await setup(t, { CONSOLE: 'false' })
  t.equal((await none.app.inject({ url: '/ui/sign-in' })).statusCode, 404)
})

t.test('OIDC settings are checked at start', async (t) => {
  const { loadConfig } = await import('../../src/config.js')
  t.throws(() => loadConfig({ CONSOLE_OIDC_ISSUER: 'https://idp.example' }), /CONSOLE_OIDC_CLIENT_ID: required/)
  const c = loadConfig({
    CONSOLE_OIDC_ISSUER: 'https://idp.example', CONSOLE_OIDC_CLIENT_ID: 'c', CONSOLE_OIDC_CLIENT_SECRET: 's', CONSOLE_OIDC_ALLOWED: 'a, b', CONSOLE_OIDC_CLAIM: 'roles'
  })
  t.same(c.console.oidc?.allowed, ['a', 'b'])
  t.equal(c.console.oidc?.claim, 'roles')
})
