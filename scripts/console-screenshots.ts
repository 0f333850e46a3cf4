// Regenerates the console screenshots in docs/images (docs/console.md):
//   npx tsx scripts/console-screenshots.ts
// Seeds a tenant against the Meta simulator as the browser tests do, signs in with the admin
// token, and captures the main pages at 1280×800.
import { ADMIN_TOKEN } from '../test/helpers/admin.js'
import { launchBrowser } from '../test/console/helpers/browser.js'
import { consoleHarness } from '../test/console/helpers/console-harness.js'

const cleanups: Array<() => unknown> = []
const t = { teardown: (fn: () => unknown) => { cleanups.push(fn) } }

try {
  const c = await consoleHarness(t)
  const { h } = c
  const ids = await h.members(15)
  await h.createGroup('Sales', ids.slice(12, 15))
  h.sim.addMember(h.businessId, { email: 'stranger@example.com', role: 'EMPLOYEE' })
  for (const id of ids.slice(0, 12)) await h.setActive(id, false)
  await h.drain()
  await c.sync.start(h.tenantId, 'manual')
  await c.sync.drain()
  // The console's clock is the harness's fixed one; the seeded rows carry the real time.
  c.clock.now = new Date(Date.now() + 60_000)
  const browser = await launchBrowser(t)
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
  await page.goto(`${c.base}/ui/sign-in`)
  await page.screenshot({ path: 'docs/images/console-sign-in.png' })
  await page.getByLabel('Admin token', { exact: true }).fill(ADMIN_TOKEN)
  await page.getByRole('button', { name: 'Sign in with the admin token' }).click()
  await page.waitForURL(`${c.base}/ui`)
  const tenant = `${c.base}/ui/tenants/${h.tenantId}`
  const shots: Array<[string, string]> = [
    ['console-overview', `${c.base}/ui`],
    ['console-tenant-health', tenant],
    ['console-people', `${tenant}/people?state=member`],
    ['console-held-removals', `${tenant}/held-removals`],
    ['console-charts', `${tenant}/charts`]
  ]
  for (const [name, url] of shots) {
    await page.goto(url)
    await page.screenshot({ path: `docs/images/${name}.png`, fullPage: name !== 'console-charts' })
  }
  await page.goto(tenant)
  await page.getByRole('button', { name: 'Test connection' }).click()
  await page.getByRole('table', { name: 'Connection test results' }).waitFor()
  await page.locator('#meta-connection').screenshot({ path: 'docs/images/console-connection-test.png' })
  process.stdout.write('screenshots written to docs/images\n')
} finally {
  for (const fn of cleanups.reverse()) await fn()
}
