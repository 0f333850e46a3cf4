import t from 'tap'
import type { BrowserContext, Page } from 'playwright-core'
import { ADMIN_TOKEN } from '../helpers/admin.js'
import { axeViolations, browserSkipReason, launchBrowser } from './helpers/browser.js'
import { consoleHarness, type ConsoleHarness } from './helpers/console-harness.js'
import { SessionStore } from '../../src/console/session/session-store.js'
import { claimRound, insertQueueSamples, upsertRateLimitSamples } from '../../src/charts/history-repository.js'

// The console in headless Chromium against a real app, database and Meta simulator: sign-in,
// every page with seeded data and an axe-core WCAG 2 A/AA scan, filters as URLs, a held
// removal approved through the UI reaching the simulator, refused state changes, and a
// tenant-scoped session that never shows another tenant's data.

const skip = browserSkipReason()
if (skip !== undefined) t.comment(`skipping the console's browser tests: ${skip}`)

async function signIn (page: Page, base: string): Promise<void> {
  await page.goto(`${base}/ui`)
  await page.waitForURL(/\/ui\/sign-in/)
  await page.getByLabel('Admin token', { exact: true }).fill(ADMIN_TOKEN)
  await page.getByRole('button', { name: 'Sign in with the admin token' }).click()
  await page.waitForURL(`${base}/ui`)
}

/** A tenant with members, a group, two held removals, an unmatched Meta member and a finished sync. */
async function seed (c: ConsoleHarness) {
  const { h } = c
  const ids = await h.members(15)
  await h.createGroup('Sales', ids.slice(12, 15))
  h.sim.addMember(h.businessId, { email: 'stranger@example.com', role: 'EMPLOYEE' })
  for (const id of ids.slice(0, 12)) await h.setActive(id, false)
  await h.drain()
  const started = await c.sync.start(h.tenantId, 'manual')
  t.ok('started' in started, 'a sync started')
  await c.sync.drain()
  // Two hours of chart history before the console's clock: a queue that grows, the business's
  // bucket paused for twenty minutes.
  const start = c.clock.now.getTime() - 3 * 3_600_000
  for (let m = 0; m < 120; m += 5) {
    const at = new Date(start + m * 60_000)
    const paused = m >= 40 && m < 60
    await claimRound(h.db, at, 'seed')
    await insertQueueSamples(h.db, at, [{ tenantId: h.tenantId, depth: m, oldestSeconds: m * 30 }])
    await upsertRateLimitSamples(h.db, at, [
      { tenantId: h.tenantId, bucket: 'app', usagePct: m / 2, pausedUntil: null },
      {
        tenantId: h.tenantId,
        bucket: `buc:${h.businessId}:business_management`,
        usagePct: paused ? 96 : 30,
        pausedUntil: paused ? new Date(start + 60 * 60_000) : null
      }
    ])
  }
  return { ids }
}

t.test('the console in a real browser', { skip: skip ?? false }, async (t) => {
  const c = await consoleHarness(t)
  const { h, base } = c
  const { ids } = await seed(c)
  const held = (await h.admin.get(`/tenants/${h.tenantId}/removal-brake/held`)).json()
  t.equal(held.total, 2, 'two removals are held')

  const browser = await launchBrowser(t)
  // The app's own CSP applies here; only the axe context below bypasses it to inject axe.
  const strict = await browser.newContext()
  const page = await strict.newPage()
  const cspErrors: string[] = []
  page.on('console', (m) => { if (m.type() === 'error') cspErrors.push(m.text()) })
  await signIn(page, base)

  t.test('session cookie: __Host-, Secure, HttpOnly, SameSite=Lax', async (t) => {
    const cookies = await strict.cookies(base)
    const session = cookies.find((k) => k.name === '__Host-smb_console')
    t.ok(session, 'the session cookie is set on http://127.0.0.1')
    t.match(session, { secure: true, httpOnly: true, sameSite: 'Lax', path: '/' })
  })

  t.test('overview shows the tenant with its health', async (t) => {
    await page.goto(`${base}/ui`)
    const row = page.getByRole('row', { name: /provisioning/ })
    await row.waitFor()
    t.match(await row.textContent(), /(healthy|degraded|failing)/)
    t.match(await row.textContent(), /2/, 'held removals counted')
  })

  const tenantBase = `${base}/ui/tenants/${h.tenantId}`

  t.test('tenant health: create a token (shown once), test the connection, sync now', async (t) => {
    await page.goto(tenantBase)
    await page.getByLabel('New token label').fill('okta-prod')
    await page.getByRole('button', { name: 'Create token' }).click()
    const secret = page.locator('#new-token')
    await secret.waitFor()
    t.match(await secret.textContent(), /^smb_\S{20,}/, 'the secret is shown')
    await page.waitForFunction(() => (document.getElementById('live')?.textContent ?? '') !== '')
    t.equal(await page.locator('#live').textContent(), 'Token okta-prod created. Copy it now; it is shown once.',
      'the live region announces the swap')
    t.equal(await page.evaluate(() => document.activeElement?.id), 'new-token', 'focus moves to the new secret')
    await page.reload()
    t.equal(await page.locator('#new-token').count(), 0, 'not shown again')
    t.ok(await page.getByRole('cell', { name: 'okta-prod' }).count() > 0, 'listed without the secret')

    await page.getByRole('button', { name: 'Test connection' }).click()
    await page.getByRole('table', { name: 'Connection test results' }).waitFor()
    t.ok(await page.locator('#meta-connection').getByText(/Connection test (passed|found problems)/).count() > 0)

    await page.getByRole('button', { name: 'Sync now' }).click()
    await page.locator('#sync').getByText(/Sync started/).waitFor()
    await c.sync.drain()
  })

  t.test('people: tabs and filters are URLs', async (t) => {
    await page.goto(`${tenantBase}/people`)
    await page.getByLabel('State').selectOption('member')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/state=member/)
    await page.getByText(/people match/).first().waitFor()
    const caption = await page.locator('#people-results caption').textContent()
    t.match(caption, /Managed people: \d+ match/)
    // The URL alone reproduces the view (shareable).
    await page.goto(`${tenantBase}/people?state=member&group=Sales`)
    t.match(await page.locator('#people-results caption').textContent(), /: 3 match/, 'the three Sales members')
    await page.getByLabel('userName starts with').fill('m13')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/q=m13/)
    await page.waitForFunction(() => /: 1 match/.test(document.querySelector('#people-results caption')?.textContent ?? ''))
    t.pass('text filter narrows to one')

    await page.getByRole('link', { name: 'Unmatched in Meta' }).click()
    await page.waitForURL(/tab=unmatched/)
    t.ok(await page.getByRole('rowheader', { name: 'stranger@example.com' }).count() > 0, 'the unmanaged member is listed')
    await page.getByRole('link', { name: 'Partners and system users' }).click()
    await page.waitForURL(/tab=partners/)
  })

  t.test('person page with plan preview and a dry run of Reconcile now', async (t) => {
    await page.goto(`${tenantBase}/people/${ids[13] ?? ''}`)
    await page.getByRole('heading', { name: 'm13@example.com' }).waitFor()
    await page.getByRole('button', { name: 'Preview' }).click()
    await page.locator('#preview p').first().waitFor()
    t.match(await page.locator('#preview').textContent(), /Nothing to do|planned steps/)
    await page.getByRole('button', { name: 'Dry run' }).click()
    await page.locator('#reconcile-result p').first().waitFor()
    t.match(await page.locator('#reconcile-result').textContent(), /Dry run finished: \w+, 0 Graph calls\. Nothing was sent or written\./)
    t.ok(await page.getByRole('heading', { name: 'Recent reconciles' }).count() > 0)
  })

  t.test('a held removal approved through the UI reaches the simulator', async (t) => {
    await page.goto(`${tenantBase}/held-removals`)
    const first = held.items[0] as { email: string, id: string }
    t.ok(h.memberOf(first.email), `${first.email} is still a member`)
    await page.getByRole('link', { name: `Approve removal of ${first.email}` }).click()
    await page.getByRole('heading', { name: `Approve the removal of ${first.email}?` }).waitFor()
    await page.getByRole('button', { name: 'Yes, approve' }).click()
    await page.locator('#held-list').getByText('Approved 1 removal: they run now.').waitFor()
    t.equal(await page.getByRole('rowheader', { name: first.email }).count(), 0, 'no longer held')
    const seq = h.sim.calls.lastSeq
    await h.drain()
    t.equal(h.removalCalls(seq), 1, 'one removal call reached the simulator')
    t.notOk(h.memberOf(first.email), `${first.email} removed from the business`)
    const audit = (await h.admin.get(`/tenants/${h.tenantId}/audit?action=removal_approved`)).json()
    t.equal(audit.items[0]?.actor, 'console:break-glass', 'audited with who approved it')

    // Reject the other one, through the keyboard only.
    const second = held.items[1] as { email: string }
    await page.getByRole('link', { name: `Reject removal of ${second.email}` }).focus()
    await page.keyboard.press('Enter')
    // The swapped-in confirmation takes the focus once htmx has settled it (its heading has
    // data-focus); only then does a keyboard user move on to the button, or the focus would be
    // taken back from under the key press.
    await page.waitForFunction(() => document.activeElement?.id === 'confirm-heading')
    await page.getByRole('button', { name: 'Yes, reject' }).focus()
    await page.keyboard.press('Enter')
    await page.locator('#held-list').getByText('Rejected 1 removal: those people stay.').waitFor()
    t.equal(await page.locator('#decision').textContent(), '', 'the confirmation is gone')
    t.ok(h.memberOf(second.email), `${second.email} stays`)
  })

  t.test('access rules: validated against the business\'s assets before saving', async (t) => {
    await page.goto(`${tenantBase}/access-rules`)
    const editor = page.getByLabel(/Rules \(JSON list/)
    await editor.fill(JSON.stringify([{ group: 'Sales', role: 'EMPLOYEE', assets: [{ assetType: 'page', assetId: '999999999', tasks: ['ANALYZE'] }] }]))
    await page.getByRole('button', { name: 'Save rules' }).click()
    await page.getByText(/^Not saved:/).waitFor()
    t.match(await page.getByText(/^Not saved:/).textContent(), /999999999/, 'the unknown asset is named')
    t.match(await editor.inputValue(), /999999999/, 'the draft is kept for fixing')
    t.equal(await page.getByRole('rowheader', { name: 'Sales' }).count(), 0, 'nothing saved')
    await editor.fill('{ not json')
    await page.getByRole('button', { name: 'Save rules' }).click()
    await page.getByText(/^Not valid JSON/).waitFor()
    await editor.fill(JSON.stringify([{ group: 'Sales', role: 'EMPLOYEE' }]))
    await page.getByRole('button', { name: 'Save rules' }).click()
    await page.getByText(/^Saved 1 rules/).waitFor()
    t.equal(await page.getByRole('rowheader', { name: 'Sales' }).count(), 1, 'the rule is listed')
    const audit = (await h.admin.get(`/tenants/${h.tenantId}/audit?action=access_rules_changed`)).json()
    t.equal(audit.items[0]?.actor, 'console:break-glass')
  })

  t.test('drift, sync runs, queue, audit, SCIM requests and charts show the seeded data', async (t) => {
    await page.goto(`${tenantBase}/drift`)
    t.ok(await page.getByRole('table', { name: 'In Meta, claimed by no SCIM user' }).getByText('stranger@example.com').count() > 0, 'drift')
    await page.goto(`${tenantBase}/sync-runs`)
    t.ok(await page.getByRole('cell', { name: /succeeded/ }).count() >= 1, 'sync runs')
    await page.goto(`${tenantBase}/queue`)
    await page.getByRole('button', { name: 'Retry now' }).click()
    await page.getByText(/^Retrying:/).waitFor()
    t.pass('queue retry')
    await page.goto(`${tenantBase}/audit`)
    await page.getByLabel('Outcome').selectOption('held')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/outcome=held/)
    await page.waitForFunction(() => /Audit events: [1-9]\d* match/.test(document.querySelector('#audit-results caption')?.textContent ?? ''))
    t.ok(await page.locator('#audit-results tbody tr').count() >= 2, 'the held removals are in the audit log')
    await page.goto(`${tenantBase}/scim-requests`)
    await page.getByLabel('Status').selectOption('2xx')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/status_class=2xx/)
    t.ok(await page.locator('#scim-results tbody tr').count() > 1, 'the SCIM requests of the seeding')
    await page.goto(`${tenantBase}/charts`)
    const charts = page.getByRole('img')
    t.ok(await charts.count() >= 4, 'charts are images with accessible names')
    for (const name of ['Provisioning actions, last 7 days', 'SCIM requests, last 24 hours', 'Drift per sync run', 'Invitations, last 30 days',
      'Reconcile queue, last 24 hours', 'Meta rate-limit buckets, last 24 hours']) {
      t.equal(await page.getByRole('img', { name: new RegExp(name) }).count(), 1, `${name}: titled`)
      t.equal(await page.getByRole('table', { name: new RegExp(name), includeHidden: true }).count(), 1, `${name}: a data table`)
    }
    await page.getByText('Show meta rate-limit buckets, last 24 hours as a table').click()
    const limits = page.getByRole('table', { name: /Meta rate-limit buckets/ })
    t.ok(await limits.getByRole('cell', { name: `paused: buc:${h.businessId}:business_management` }).count() >= 1,
      'the table names the paused bucket')
    t.ok(await page.locator('#rate-limits-hatch').count() === 1, 'paused intervals are hatched')
  })

  t.test('keyboard: a skip link first, and focus is visible', async (t) => {
    await page.goto(`${tenantBase}/people`)
    await page.keyboard.press('Tab')
    t.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Tab')
    const outline = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null
      return el === null ? 'none' : getComputedStyle(el).outlineStyle
    })
    t.not(outline, 'none', 'the focused control has an outline')
  })

  t.test('state changes without the CSRF token or from another origin are refused', async (t) => {
    const noToken = await page.request.post(`${tenantBase}/sync`, { headers: { origin: base }, form: { x: '1' } })
    t.equal(noToken.status(), 403, 'no token: 403')
    const html = await (await page.request.get(tenantBase)).text()
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''
    t.ok(token.length > 20, 'the page carries a token')
    const foreign = await page.request.post(`${tenantBase}/scim-tokens`, { headers: { origin: 'https://evil.example' }, form: { _csrf: token, label: 'x' } })
    t.equal(foreign.status(), 403, 'another origin: 403')
    const ok = await page.request.post(`${tenantBase}/scim-tokens`, { headers: { origin: base }, form: { _csrf: token, label: 'from-request' } })
    t.equal(ok.status(), 200, 'the right token from this origin works')
  })

  t.test('no WCAG 2 A/AA violation on any page', async (t) => {
    const axeContext: BrowserContext = await browser.newContext({ bypassCSP: true })
    const axePage = await axeContext.newPage()
    await axePage.goto(`${base}/ui/sign-in`)
    t.same(await axeViolations(axePage), [], 'sign-in')
    await signIn(axePage, base)
    const pages = ['/ui', tenantBase.slice(base.length), ...[
      'people', 'people?tab=unmatched', 'people?tab=partners', `people/${ids[13] ?? ''}`, 'held-removals',
      'access-rules', 'drift', 'sync-runs', 'queue', 'audit', 'scim-requests', 'charts'
    ].map((p) => `${tenantBase.slice(base.length)}/${p}`)]
    for (const path of pages) {
      const response = await axePage.goto(`${base}${path}`)
      t.equal(response?.status(), 200, `${path} renders`)
      t.same(await axeViolations(axePage), [], `${path}: no violations`)
    }
    for (const width of [1280, 375]) {
      await axePage.setViewportSize({ width, height: 800 })
      await axePage.goto(`${tenantBase}/people`)
      const overflow = await axePage.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      t.ok(overflow <= 0, `no page-wide horizontal scroll at ${width}px (tables scroll in their region)`)
    }
    await axeContext.close()
  })

  t.test('a tenant-scoped admin\'s session never shows another tenant\'s data', async (t) => {
    const other = (await h.admin.post('/tenants', { name: 'Other Corp' })).json() as { id: string }
    await h.admin.post(`/tenants/${other.id}/scim-tokens`, { label: 'other-corp-okta' })
    // A session as OIDC sign-in makes it for a group mapped to `admin:<Other Corp's id>`.
    const store = new SessionStore(h.db, { idleMs: 30 * 60_000, absoluteMs: 8 * 3_600_000 }, () => c.clock.now)
    const { secret } = await store.create({
      actor: 'console:sam@example.com', method: 'oidc', subject: 'sam', issuer: null, access: { role: null, tenants: { [other.id]: 'admin' } }
    })
    const context = await browser.newContext()
    // The harness listens on 127.0.0.1: an IP has no domain cookies, so this is host-only as `__Host-` requires.
    await context.addCookies([{ name: '__Host-smb_console', value: secret, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Lax' }])
    const scoped = await context.newPage()
    const seen: string[] = []
    scoped.on('response', (r) => { if (r.url().startsWith(`${base}/ui`)) seen.push(`${r.status()} ${r.url()}`) })
    const secrets = ['m13@example.com', 'stranger@example.com', 'okta-prod', h.tenantId]

    await scoped.goto(`${base}/ui`)
    t.equal(await scoped.getByRole('row', { name: /Other Corp/ }).count(), 1, 'its tenant is listed')
    t.equal(await scoped.getByRole('row', { name: /provisioning/ }).count(), 0, 'the other tenant is not')
    for (const text of secrets) t.notOk((await scoped.content()).includes(text), `overview: no ${text}`)
    await scoped.getByRole('link', { name: 'Other Corp' }).click()
    await scoped.getByRole('cell', { name: 'other-corp-okta', exact: true }).waitFor()
    t.pass('its own tenant opens')
    const csrf = await scoped.locator('input[name="_csrf"]').first().getAttribute('value') ?? ''

    for (const path of ['', '/people?state=member', `/people/${ids[13] ?? ''}`, '/held-removals', '/drift', '/audit', '/scim-requests', '/charts']) {
      const res = await scoped.goto(`${tenantBase}${path}`)
      t.equal(res?.status(), 404, `${path || '/'}: 404`)
      const html = await scoped.content()
      for (const text of secrets) t.notOk(html.includes(text), `${path || '/'}: no ${text}`)
    }
    const htmx = await scoped.request.get(`${tenantBase}/people?q=m1`, { headers: { 'hx-request': 'true' } })
    t.equal(htmx.status(), 404, 'an htmx request too')
    t.notMatch(await htmx.text(), /m1\d@example.com/)
    for (const path of ['sync', 'scim-tokens', 'held-removals/decide']) {
      const res = await scoped.request.post(`${tenantBase}/${path}`, {
        headers: { origin: base }, form: { _csrf: csrf, label: 'x', decision: 'approve', all: '1' }
      })
      t.equal(res.status(), 404, `POST ${path} with a valid CSRF token: 404`)
    }
    const tokens = (await h.admin.get(`/tenants/${h.tenantId}/scim-tokens`)).json()
    t.notOk(JSON.stringify(tokens).includes('"label":"x"'), 'nothing was made in the other tenant')
    t.ok(seen.length > 10, 'the responses were watched')
    await context.close()
  })

  t.test('sign out ends the session', async (t) => {
    await page.goto(`${base}/ui`)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(/\/ui\/sign-in/)
    await page.goto(`${base}/ui`)
    await page.waitForURL(/\/ui\/sign-in\?next=/)
    t.pass('signed out: back to the sign-in page')
  })

  t.same(cspErrors.filter((e) => /Content Security Policy|Refused to/.test(e)), [], 'no CSP violation in the strict context')
})
