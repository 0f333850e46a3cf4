import t from 'tap'
import type { Page } from 'playwright-core'
import { buildTestApp } from '../helpers/app.js'
import { browserSkipReason, launchBrowser } from './helpers/browser.js'
import { consoleHarness } from './helpers/console-harness.js'
import {
  ALLOWED_GROUP, CLIENT_ID, CLIENT_SECRET, freePort, OPERATOR_GROUP, SCOPED_ADMIN_GROUP, startTestIdp, VIEWER_GROUP
} from './helpers/test-idp.js'

// OIDC sign-in end to end: the console, an OpenID provider in this process and headless
// Chromium. A member of the allowed group gets in; someone else is refused; both are recorded.
// Roles and tenant scope come from the IdP's groups; sign-out ends the IdP's session too.

const skip = browserSkipReason()
if (skip !== undefined) t.comment(`skipping the console's OIDC browser test: ${skip}`)

async function signInAt (page: Page, base: string, login: string): Promise<void> {
  await page.goto(`${base}/ui/sign-in`)
  await page.getByRole('link', { name: 'Sign in with your identity provider' }).click()
  await page.locator('input[name="login"]').fill(login)
  await page.locator('input[name="password"]').fill('any')
  await page.getByRole('button', { name: 'Sign-in' }).click()
  await page.getByRole('button', { name: 'Continue' }).click()
}

t.test('OIDC sign-in with PKCE against a test IdP', { skip: skip ?? false }, async (t) => {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const { issuer } = await startTestIdp(t, `${base}/ui/auth/callback`)
  const { app, db } = await buildTestApp(t, {
    env: {
      PUBLIC_BASE_URL: base,
      CONSOLE_TOKEN_SIGN_IN: 'false',
      CONSOLE_OIDC_ISSUER: issuer,
      CONSOLE_OIDC_CLIENT_ID: CLIENT_ID,
      CONSOLE_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      CONSOLE_OIDC_SCOPES: 'openid email groups',
      CONSOLE_OIDC_ALLOWED: ALLOWED_GROUP,
      OAUTH_ALLOW_LOOPBACK_ISSUERS: 'true'
    }
  })
  await app.listen({ port, host: '127.0.0.1' })
  const browser = await launchBrowser(t)

  t.test('a member of the allowed group gets in', async (t) => {
    const page = await (await browser.newContext()).newPage()
    await page.goto(`${base}/ui/sign-in`)
    t.equal(await page.getByLabel('Admin token', { exact: true }).count(), 0, 'the token form is off')
    await signInAt(page, base, 'alice')
    await page.waitForURL(`${base}/ui`)
    t.match(await page.locator('header .who').textContent(), /Signed in as alice@example.com/)
  })

  t.test('someone outside the group is refused', async (t) => {
    const page = await (await browser.newContext()).newPage()
    await signInAt(page, base, 'bob')
    await page.getByText(/Sign-in refused: not in an allowed groups value/).first().waitFor()
    await page.goto(`${base}/ui`)
    await page.waitForURL(/\/ui\/sign-in\?next=/)
    t.pass('no session for bob')
  })

  t.test('a callback without the sign-in cookie (another browser) is refused', async (t) => {
    const page = await (await browser.newContext()).newPage()
    const res = await page.goto(`${base}/ui/auth/callback?code=forged&state=forged`)
    t.equal(res?.status(), 403)
    t.match(await page.locator('main').textContent(), /expired or was started in another browser/)
  })

  t.test('every attempt is recorded with who', async (t) => {
    const events = await db.selectFrom('console_events').selectAll().orderBy('id').execute()
    t.same(events.map((e) => [e.actor, e.action, e.outcome]), [
      ['console:alice@example.com', 'sign_in', 'applied'],
      ['console:bob@example.com', 'sign_in', 'refused'],
      ['console:unknown', 'sign_in', 'refused']
    ])
  })
})

/** The session's CSRF token, as the page carries it. */
async function csrfOf (page: Page): Promise<string> {
  return await page.locator('input[name="_csrf"]').first().getAttribute('value') ?? ''
}

t.test('roles and tenant scope from the IdP\'s groups; sign-out at the IdP', { skip: skip ?? false }, async (t) => {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const { issuer } = await startTestIdp(t, `${base}/ui/auth/callback`, `${base}/ui/signed-out`)
  const c = await consoleHarness(t, {
    port,
    env: (h) => ({
      PUBLIC_BASE_URL: base,
      CONSOLE_OIDC_ISSUER: issuer,
      CONSOLE_OIDC_CLIENT_ID: CLIENT_ID,
      CONSOLE_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      CONSOLE_OIDC_SCOPES: 'openid email groups',
      CONSOLE_OIDC_ALLOWED: ALLOWED_GROUP,
      CONSOLE_OIDC_ROLES: `${VIEWER_GROUP}=viewer; ${OPERATOR_GROUP}=operator; ${SCOPED_ADMIN_GROUP}=admin:${h.tenantId}`,
      OAUTH_ALLOW_LOOPBACK_ISSUERS: 'true'
    })
  })
  const { h } = c
  const other = (await h.admin.post('/tenants', { name: 'Other Corp' })).json() as { id: string }
  t.ok(other.id, 'a second tenant')
  const tenantBase = `${base}/ui/tenants/${h.tenantId}`
  const browser = await launchBrowser(t)
  const signedIn = async (login: string): Promise<Page> => {
    const page = await (await browser.newContext()).newPage()
    await signInAt(page, base, login)
    await page.waitForURL(`${base}/ui`)
    return page
  }
  const post = async (page: Page, url: string, form: Record<string, string> = {}) =>
    await page.request.post(url, { headers: { origin: base }, form: { _csrf: await csrfOf(page), ...form } })
  const changes: Array<[string, Record<string, string>]> = [
    ['scim-tokens', { label: 'x' }],
    ['meta-connection', { business_id: '1' }],
    ['meta-connection/test', {}],
    ['sync', {}],
    ['access-rules', { rules: '[]' }],
    ['held-removals/decide', { decision: 'approve', all: '1' }],
    ['queue/retry', {}]
  ]

  t.test('a viewer reads, sees no buttons, and every state change is refused', async (t) => {
    const page = await signedIn('vera')
    t.match(await page.locator('header .who').textContent(), /vera@example.com \(viewer\)/)
    await page.goto(tenantBase)
    await page.getByRole('heading', { name: 'SCIM tokens' }).waitFor()
    for (const name of ['Create token', 'Test connection', 'Save connection', 'Sync now']) {
      t.equal(await page.getByRole('button', { name }).count(), 0, `no ${name} button`)
    }
    await page.goto(`${tenantBase}/queue`)
    t.equal(await page.getByRole('button', { name: 'Retry now' }).count(), 0, 'no Retry now')
    await page.goto(`${tenantBase}/access-rules`)
    t.equal(await page.getByRole('button', { name: 'Save rules' }).count(), 0, 'no Save rules')
    for (const [path, form] of changes) {
      const res = await post(page, `${tenantBase}/${path}`, form)
      t.equal(res.status(), 403, `POST ${path}: 403`)
      t.match(await res.text(), /needs the (operator|admin) role, and you are a viewer/)
    }
    const tokens = (await h.admin.get(`/tenants/${h.tenantId}/scim-tokens`)).json()
    t.notOk(JSON.stringify(tokens).includes('"label":"x"'), 'no token was made')
  })

  t.test('an operator can Sync now but cannot create tokens', async (t) => {
    const page = await signedIn('otto')
    await page.goto(tenantBase)
    t.equal(await page.getByRole('button', { name: 'Create token' }).count(), 0, 'no Create token button')
    await page.getByRole('button', { name: 'Sync now' }).click()
    await page.locator('#sync').getByText(/Sync started/).waitFor()
    await c.sync.drain()
    const started = (await h.admin.get(`/tenants/${h.tenantId}/audit?action=sync_started`)).json()
    t.match(started.items[0], { actor: 'console:otto@example.com', detail: { role: 'operator' } }, 'audited with the role')
    const refused = await post(page, `${tenantBase}/scim-tokens`, { label: 'by-otto' })
    t.equal(refused.status(), 403, 'token creation refused')
    t.match(await refused.text(), /needs the admin role, and you are an operator/)
  })

  t.test('a tenant-scoped admin sees only its tenant; another tenant is a 404 everywhere', async (t) => {
    const page = await signedIn('sam')
    t.equal(await page.getByRole('row', { name: /provisioning/ }).count(), 1, 'its tenant is listed')
    t.equal(await page.getByText('Other Corp').count(), 0, 'the other tenant is not')
    const otherBase = `${base}/ui/tenants/${other.id}`
    for (const path of ['', '/people', '/access-rules', '/held-removals', '/audit', '/queue']) {
      const res = await page.goto(`${otherBase}${path}`)
      t.equal(res?.status(), 404, `GET ${path || '/'}: 404`)
      t.equal(await page.getByText('Other Corp').count(), 0)
    }
    await page.goto(tenantBase)
    for (const [path, form] of changes) {
      const res = await post(page, `${otherBase}/${path}`, form)
      t.equal(res.status(), 404, `POST ${path} with a valid CSRF token: 404`)
    }
    const tokens = (await h.admin.get(`/tenants/${other.id}/scim-tokens`)).json()
    t.same(tokens.items ?? tokens, [], 'nothing was made in the other tenant')
    await page.getByLabel('New token label').fill('by-sam')
    await page.getByRole('button', { name: 'Create token' }).click()
    await page.locator('#new-token').waitFor()
    t.pass('full admin of its own tenant')
  })

  t.test('sign-out ends the session here and at the IdP', async (t) => {
    const page = await signedIn('alice')
    t.match(await page.locator('header .who').textContent(), /alice@example.com \(admin\)/, 'the allowed group: full admin')
    const endSession = page.waitForRequest((r) => r.url().startsWith(`${issuer}/session/end`))
    await page.getByRole('button', { name: 'Sign out' }).click()
    const url = new URL((await endSession).url())
    const hint = url.searchParams.get('id_token_hint') ?? ''
    t.equal(hint.split('.').length, 3, 'id_token_hint is the ID token (a JWT)')
    t.match(JSON.parse(Buffer.from(hint.split('.')[1] ?? '', 'base64url').toString()), { sub: 'alice', aud: CLIENT_ID })
    t.equal(url.searchParams.get('post_logout_redirect_uri'), `${base}/ui/signed-out`)
    t.equal(url.searchParams.get('client_id'), CLIENT_ID)
    const alice = await h.db.selectFrom('console_sessions').selectAll().where('actor', '=', 'console:alice@example.com').execute()
    t.same(alice, [], 'the session is gone from the database')
    await page.getByRole('button', { name: 'Yes, sign me out' }).click()
    await page.waitForURL(`${base}/ui/signed-out`)
    t.match(await page.locator('main').textContent(), /signed out of the console and of your identity provider/)
    await page.goto(`${base}/ui`)
    await page.waitForURL(/\/ui\/sign-in\?next=/)
    // The IdP's session ended too: the next sign-in asks for the login again.
    await page.getByRole('link', { name: 'Sign in with your identity provider' }).click()
    await page.locator('input[name="login"]').waitFor()
    t.pass('the IdP asks who is signing in')
  })
})
