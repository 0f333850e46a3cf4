import t from 'tap'
import type { Page } from 'playwright-core'
import { buildTestApp } from '../helpers/app.js'
import { browserSkipReason, launchBrowser } from './helpers/browser.js'
import { ALLOWED_GROUP, CLIENT_ID, CLIENT_SECRET, freePort, startTestIdp } from './helpers/test-idp.js'

// OIDC sign-in end to end: the console, an OpenID provider in this process and headless
// Chromium. A member of the allowed group gets in; someone else is refused; both are recorded.

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
