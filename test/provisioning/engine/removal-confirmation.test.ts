import t from 'tap'
import { listAudit } from '../../../src/provisioning/records/audit-repository.js'
import { provisioningHarness, type Harness } from '../helpers/harness.js'

// Error 100/33 reads "does not exist, cannot be loaded due to missing permissions, or does not
// support this operation": after it, the engine reads before recording anything as gone.

const DENIED = { code: 100, error_subcode: 33, type: 'GraphMethodException', message: "Unsupported delete request. Object with ID 'x' does not exist, cannot be loaded due to missing permissions, or does not support this operation" }

async function memberWith (h: Harness, email: string): Promise<{ userId: string, businessUserId: string }> {
  const userId = await h.createUser(email)
  await h.drain()
  const member = h.sim.acceptInvite(h.inviteOf(email)!.id)
  await h.runtime.worker.pollAll(true)
  await h.drain()
  return { userId, businessUserId: member.id }
}

const trail = async (h: Harness, userId: string) =>
  (await listAudit(h.db, h.tenantId, { userId, limit: 100 })).reverse().map((e) => `${e.action}:${e.outcome}`)

t.test('a member removal denied with 100/33 while the member is still there is a failure, not a removal', async (t) => {
  const h = await provisioningHarness(t)
  const { userId, businessUserId } = await memberWith(h, 'kim@example.com')
  h.sim.faults.add({ route: 'business_user.delete', times: 1, error: DENIED })
  await h.setActive(userId, false)
  await h.drain()
  t.ok(h.memberOf('kim@example.com'), 'Meta still has the member')
  t.match(await h.person(userId), { state: 'failed', businessUserId, lastErrorCode: 100, lastError: /still there/ }, 'recorded as a failure, the member id kept')
  t.ok((await trail(h, userId)).includes('remove:failed'), 'audited as failed')
  t.notOk((await trail(h, userId)).includes('remove:applied'), 'never as applied')
  t.ok(h.calls('business_users.list').length > 0, 'the member list was read to confirm')

  // Once Meta lets it through, the next reconcile removes the person for real.
  await h.scim('PATCH', `/Users/${userId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: 'Kim' }] })
  await h.drain()
  t.notOk(h.memberOf('kim@example.com'), 'removed on the next reconcile')
  t.match(await h.person(userId), { state: 'removed', businessUserId: null })
})

t.test('a member really gone answers 100/33 too: confirmed by a read, recorded as removed', async (t) => {
  const h = await provisioningHarness(t)
  const { userId, businessUserId } = await memberWith(h, 'lou@example.com')
  h.sim.store.members.delete(businessUserId)
  await h.setActive(userId, false)
  await h.drain()
  t.match(await h.person(userId), { state: 'removed', businessUserId: null })
})

t.test('an asset un-assignment denied with 100/33 while the assignment stays is a failure', async (t) => {
  const h = await provisioningHarness(t)
  const page = h.sim.addAsset(h.businessId, { type: 'page' })
  const { userId, businessUserId } = await memberWith(h, 'max@example.com')
  await h.rules([{ group: 'Page', assets: [{ assetType: 'page', assetId: page.id, tasks: ['ANALYZE'] }] }])
  await h.createGroup('Page', [userId])
  await h.drain()
  t.ok(h.sim.store.assignmentsOf(page.id).has(businessUserId), 'assigned')
  h.sim.faults.add({ route: 'assigned_users.unassign', times: 1, error: DENIED })
  await h.rules([])
  await h.drain()
  t.ok(h.sim.store.assignmentsOf(page.id).has(businessUserId), 'Meta still has the assignment')
  t.match(await h.person(userId), { state: 'failed', lastError: /still there/ })
  t.same((await h.person(userId))?.assets.map((a) => a.assetId), [page.id], 'the record still shows the asset')
})

t.test('a cancellation that meets an accepted invitation continues as a member removal', async (t) => {
  const h = await provisioningHarness(t, { sim: { settings: { acceptBeforeCancel: ['Nia@example.com'] } } })
  const userId = await h.createUser('nia@example.com')
  await h.drain()
  const inviteId = h.inviteOf('nia@example.com')!.id
  t.match(await h.person(userId), { state: 'invited', inviteId })
  await h.setActive(userId, false)
  await h.drain()
  t.notOk(h.inviteOf('nia@example.com'), 'no invitation pending')
  t.notOk(h.memberOf('nia@example.com'), 'the member the invitation became was removed')
  t.match(await h.person(userId), { state: 'removed', businessUserId: null, inviteId: null })
  const actions = await trail(h, userId)
  t.same(actions.filter((a) => !a.startsWith('invite')), ['cancel_invite:adopted', 'remove:applied'], 'audited: the cancel met a member, then the removal')
  t.equal(h.calls('business_user.delete').length, 1, 'one member removal')
})
