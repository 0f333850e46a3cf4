import t from 'tap'
import { listAudit } from '../../src/provisioning/records/audit-repository.js'
import { META_STATE_URN } from '../../src/provisioning/records/scim-extension.js'
import { provisioningHarness } from './helpers/harness.js'

t.test('work_accounts: create and deactivate call nothing and record skips; a Work Account member is matched by email and managed', async (t) => {
  const h = await provisioningHarness(t, { settings: { identityMode: 'work_accounts' } })
  const page = h.sim.addAsset(h.businessId, { type: 'page' })
  await h.rules([{ group: 'Social', role: 'ADMIN', assets: [{ assetType: 'page', assetId: page.id, bundle: 'moderator' }] }])

  const eve = await h.createUser('eve@example.com')
  await h.drain()
  t.equal(h.sim.calls.lastSeq, 0, 'create: no Meta call')
  t.match(await h.person(eve), { state: 'skipped' })
  await h.setActive(eve, false)
  await h.drain()
  t.equal(h.sim.calls.lastSeq, 0, 'deactivate: no Meta call')
  const skips = (await listAudit(h.db, h.tenantId, { userId: eve })).map((e) => `${e.action}:${e.outcome}`).reverse()
  t.same(skips, ['skip:invite:skipped', 'skip:remove:skipped'], 'both recorded as skips with their reason')

  const wa = h.sim.addMember(h.businessId, { email: 'Wendy@Example.com', role: 'EMPLOYEE', workAccount: true })
  const wendy = await h.createUser('wendy@example.com')
  await h.createGroup('Social', [wendy])
  await h.drain()
  t.equal(h.sim.calls.lastSeq, 0, 'still no call: matching happens in the poll')
  await h.runtime.worker.pollAll(true)
  await h.drain()
  t.match(await h.person(wendy), { state: 'member', businessUserId: wa.id, role: 'ADMIN' })
  t.equal(h.memberOf('wendy@example.com')?.role, 'ADMIN', 'role managed')
  t.same(h.sim.store.assignmentsOf(page.id).get(wa.id), ['ADVERTISE', 'ANALYZE', 'MODERATE'], 'assets managed')
  t.equal(h.calls('business_users.invite').length, 0, 'never an invitation')

  await h.setActive(wendy, false)
  await h.drain()
  t.ok(h.memberOf('wendy@example.com'), 'never a removal')
  t.equal(h.sim.store.assignmentsOf(page.id).get(wa.id), undefined, 'but the managed assets are taken back')
  t.equal(h.calls('business_user.delete').length, 0)
})

t.test('dry run plans and records everything and calls nothing', async (t) => {
  const h = await provisioningHarness(t, { settings: { dryRun: true } })
  const ada = await h.createUser('ada@example.com')
  await h.drain()
  await h.setActive(ada, false)
  await h.drain()
  await h.setActive(ada, true)
  await h.drain()
  t.equal(h.sim.calls.lastSeq, 0, 'no Meta call at all')
  const person = await h.person(ada)
  t.match(person, { state: 'none', inviteId: null })
  t.match(person?.lastPlan, { steps: [{ kind: 'invite', email: 'ada@example.com', role: 'EMPLOYEE' }] }, 'the plan is recorded')
  const audit = await listAudit(h.db, h.tenantId, { userId: ada })
  t.same(audit.map((e) => `${e.action}:${e.outcome}`).reverse(), ['invite:dry_run', 'invite:dry_run'], 'planned actions audited as dry_run (an unchanged plan is not repeated)')
  t.match((await h.scim('GET', `/Users/${ada}`)).body[META_STATE_URN], { state: 'none' })
})

t.test('no credentials means dry run', async (t) => {
  const h = await provisioningHarness(t, { settings: { accessToken: null } })
  const bob = await h.createUser('bob@example.com')
  await h.drain()
  t.equal(h.sim.calls.lastSeq, 0)
  t.match((await h.person(bob))?.lastPlan, { steps: [{ kind: 'invite' }] })
})
