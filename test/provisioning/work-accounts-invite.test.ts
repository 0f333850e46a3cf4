import t from 'tap'
import { getPerson, personView } from '../../src/admin/people-query.js'
import { listAudit } from '../../src/provisioning/records/audit-repository.js'
import { syncSample } from '../../src/sync/metrics-sample.js'
import { provisioningHarness } from './helpers/harness.js'

// work_accounts with the invite setting on: entitled people are invited as managed Meta accounts
// (invited_user_type MWA, the only documented path into a business portfolio); deprovisioning
// stays the IdP connection's, so the bridge still never removes.

t.test('work_accounts + workAccountsInvite: one MWA invitation, then no removal on deactivation', async (t) => {
  const h = await provisioningHarness(t, { settings: { identityMode: 'work_accounts', workAccountsInvite: true } })
  const mia = await h.createUser('mia@example.com')
  await h.drain()
  const requests = h.sim.store.requestsByEmailOf(h.businessId, 'mia@example.com')
  t.equal(requests.length, 1, 'invited once')
  t.same(requests[0]?.invitedUserType, ['MWA'], 'as a managed Meta account')
  t.match(await h.person(mia), { state: 'invited' })

  h.sim.acceptInvite(requests[0]!.id)
  await h.runtime.worker.pollAll(true)
  await h.drain()
  t.match(await h.person(mia), { state: 'member' })
  const before = h.sim.calls.list({ route: 'business_user.delete' }).length
  await h.setActive(mia, false)
  await h.drain()
  t.equal(h.sim.calls.list({ route: 'business_user.delete' }).length, before, 'never removed by the bridge')
  const actions = (await listAudit(h.db, h.tenantId, { userId: mia })).map((e) => `${e.action}:${e.outcome}`)
  t.ok(actions.includes('skip:remove:skipped'), 'the removal is recorded as the IdP\'s')
})

t.test('work_accounts without the setting invites nobody (the default)', async (t) => {
  const h = await provisioningHarness(t, { settings: { identityMode: 'work_accounts' } })
  const ned = await h.createUser('ned@example.com')
  await h.drain()
  t.equal(h.sim.calls.list({ route: 'business_users.invite' }).length, 0)
  // The people view shows who is entitled but not in the business, and since when.
  const row = await getPerson(h.db, h.tenantId, ned)
  const later = new Date(Date.now() + 3_600_000)
  const view = personView(row!, later)
  t.match(view.waiting, { state: 'skipped', since: Date })
  t.ok((view.waiting?.seconds ?? 0) >= 3600, 'how long they have waited')
  t.match(await syncSample(h.db), { waitingPeople: 1 }, 'the metric counts them')
  h.sim.addMember(h.businessId, { email: 'ned@example.com', workAccount: true })
  await h.runtime.worker.pollAll(true)
  await h.drain()
  t.equal(personView((await getPerson(h.db, h.tenantId, ned))!).waiting, null, 'no longer waiting once a member')
  t.match(await syncSample(h.db), { waitingPeople: 0, longestWaitSeconds: 0 })
})
