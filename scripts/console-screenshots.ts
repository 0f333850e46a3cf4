// Regenerates the console screenshots in docs/images (docs/console.md):
//   npx tsx scripts/console-screenshots.ts
// Seeds a tenant against the Meta simulator as the browser tests do, signs in with the admin
// token, and captures the main pages at 1280×800.
import { claimRound, insertQueueSamples, upsertRateLimitSamples } from '../src/charts/history-repository.js'
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
  // Three hours of chart history before the console's clock: a queue that grows and drains, the
  // business's bucket climbing until it is paused for twenty minutes.
  const start = c.clock.now.getTime() - 3 * 3_600_000
  for (let m = 0; m < 180; m += 5) {
    const at = new Date(start + m * 60_000)
    const paused = m >= 80 && m < 100
    const depth = m < 90 ? m * 4 : Math.max(0, (180 - m) * 4 - 120)
    await claimRound(h.db, at, 'screenshots')
    const oldestSeconds = depth === 0 ? 0 : 240 + (m % 45) * 60
    await insertQueueSamples(h.db, at, [{ tenantId: h.tenantId, depth, oldestSeconds }])
    await upsertRateLimitSamples(h.db, at, [
      { tenantId: h.tenantId, bucket: 'app', usagePct: Math.min(90, m / 2), pausedUntil: null },
      {
        tenantId: h.tenantId,
        bucket: `buc:${h.businessId}:business_management`,
        usagePct: paused ? 96 : Math.min(94, 20 + m * 0.8),
        pausedUntil: paused ? new Date(start + 100 * 60_000) : null
      }
    ])
  }
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
    await page.screenshot({ path: `docs/images/${name}.png`, fullPage: true })
  }
  await page.goto(tenant)
  await page.getByRole('button', { name: 'Test connection' }).click()
  await page.getByRole('table', { name: 'Connection test results' }).waitFor()
  await page.locator('#meta-connection').screenshot({ path: 'docs/images/console-connection-test.png' })
  process.stdout.write('screenshots written to docs/images\n')
} finally {
  for (const fn of cleanups.reverse()) await fn()
}
