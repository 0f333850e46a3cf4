import pino from 'pino'
import t from 'tap'
import { applyBrakeEnvironment } from '../../src/brake/environment.js'
import { createRemovalBrake } from '../../src/brake/gate.js'
import { brakeStatus } from '../../src/brake/status.js'
import { budgetLimit } from '../../src/brake/settings.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { testConfig } from '../helpers/app.js'
import { createTestDatabase } from '../helpers/database.js'
import { brakeHarness } from './helpers/brake-harness.js'

t.test('the budget: the larger of the count and the percentage of managed members', async (t) => {
  t.equal(budgetLimit({ budgetCount: 10, budgetPercent: 5, windowSeconds: 3600 }, 100), 10)
  t.equal(budgetLimit({ budgetCount: 10, budgetPercent: 5, windowSeconds: 3600 }, 1000), 50)
  t.equal(budgetLimit({ budgetCount: 0, budgetPercent: 0, windowSeconds: 3600 }, 1000), 0)
})

t.test('the window slides: removals older than the window no longer count (per-tenant settings via the admin API)', async (t) => {
  const h = await brakeHarness(t)
  const patched = await h.admin.patch(`/tenants/${h.tenantId}/removal-brake`, { budget_count: 2, budget_percent: 0, window_seconds: 3600 })
  t.match(patched.json(), { budget_count: 2, budget_percent: 0, window_seconds: 3600, limit: 2 })
  t.equal((await h.admin.patch(`/tenants/${h.tenantId}/removal-brake`, { budget_percent: 101 })).statusCode, 400)
  const ids = await h.members(5)
  let seq = h.sim.calls.lastSeq
  await h.setActive(ids[0] as string, false)
  await h.setActive(ids[1] as string, false)
  await h.drain()
  t.equal(h.removalCalls(seq), 2, 'within budget')

  h.clock.advance(59 * 60)
  seq = h.sim.calls.lastSeq
  await h.setActive(ids[2] as string, false)
  await h.drain()
  t.equal(h.removalCalls(seq), 0, '59 minutes later the window is still full: held')
  t.match((await h.admin.get(`/tenants/${h.tenantId}/removal-brake`)).json(), { engaged: true, held: 1 })
  t.equal((await h.admin.post(`/tenants/${h.tenantId}/removal-brake/reject`, { all: true })).json().count, 1)
  t.match((await h.admin.get(`/tenants/${h.tenantId}/removal-brake`)).json(), { engaged: false, held: 0 })

  h.clock.advance(2 * 60)
  seq = h.sim.calls.lastSeq
  await h.setActive(ids[3] as string, false)
  await h.drain()
  t.equal(h.removalCalls(seq), 1, '61 minutes after the first two, the budget is free again')
  t.notOk(h.memberOf('m3@example.com'))
  t.ok(h.memberOf('m2@example.com'), 'the rejected one stays')
  const audit = (await h.admin.get(`/tenants/${h.tenantId}/removal-brake`)).json()
  t.match(audit, { used_in_window: 1 })
})

t.test('settings from the environment apply to the default tenant; unset variables keep stored values', async (t) => {
  const db = (await createTestDatabase(t)).db
  const tenant = await insertTenant(db, 'default')
  const none = testConfig()
  t.equal(await applyBrakeEnvironment(db, tenant.id, none.removalBrake), undefined)
  t.match(await brakeStatus(db, tenant.id), { settings: { budgetCount: 10, budgetPercent: 5, windowSeconds: 3600 } })
  const config = testConfig({ META_REMOVAL_BUDGET_COUNT: '3', META_REMOVAL_WINDOW_SECONDS: '600' })
  await applyBrakeEnvironment(db, tenant.id, config.removalBrake)
  t.match(await brakeStatus(db, tenant.id), { settings: { budgetCount: 3, budgetPercent: 5, windowSeconds: 600 } })
  await applyBrakeEnvironment(db, tenant.id, testConfig({ META_REMOVAL_BUDGET_PERCENT: '12.5' }).removalBrake)
  t.match(await brakeStatus(db, tenant.id), { settings: { budgetCount: 3, budgetPercent: 12.5, windowSeconds: 600 } })
  t.throws(() => testConfig({ META_REMOVAL_BUDGET_PERCENT: '150' }), /META_REMOVAL_BUDGET_PERCENT/)
})

t.test('concurrent reviews cannot both take the last slot', async (t) => {
  const db = (await createTestDatabase(t)).db
  const tenant = await insertTenant(db, 'race')
  await db.insertInto('removal_brakes').values({ tenant_id: tenant.id, budget_count: 3, budget_percent: 0 }).execute()
  const gate = createRemovalBrake({ db, logger: pino({ level: 'silent' }) })
  const decisions = await Promise.all(Array.from({ length: 12 }, async (_, i) => await gate.review({
    tenantId: tenant.id, userId: null, email: `x${i}@example.com`, step: { kind: 'remove', businessUserId: String(1000 + i) }, cause: 'race'
  })))
  t.equal(decisions.filter((d) => !d.hold).length, 3, 'exactly the budget passed')
  t.equal((await brakeStatus(db, tenant.id)).held, 9)
})
