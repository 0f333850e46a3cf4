import t from 'tap'
import { listAudit } from '../../src/provisioning/records/audit-repository.js'
import { META_STATE_URN } from '../../src/provisioning/records/scim-extension.js'
import { provisioningHarness } from './helpers/harness.js'

// The lifecycle, end to end: SCIM over HTTP (inject) → queue → worker →
// Meta simulator over loopback HTTP → recorded state, audit and the SCIM extension.

t.test('create → invite; group → role raised on the invite, then on the member; accepted → assets; deactivate, reactivate, delete', async (t) => {
  const h = await provisioningHarness(t, { settings: { inviteType: 'MWA' } })
  const adAccount = h.sim.addAsset(h.businessId, { type: 'ad_account' })
  await h.rules([{ group: 'Meta Admins', role: 'ADMIN', priority: 1, assets: [{ assetType: 'ad_account', assetId: adAccount.id, bundle: 'admin' }] }])

  const ada = await h.createUser('ada@example.com')
  await h.drain()
  const invite = h.inviteOf('ada@example.com')
  t.ok(invite, 'invited')
  t.equal(invite?.role, 'EMPLOYEE', 'with the default role')
  t.same(invite?.invitedUserType, ['MWA'], 'and the tenant invite type')
  t.match(await h.person(ada), { state: 'invited', inviteId: invite?.id, role: 'EMPLOYEE' })

  await h.createGroup('meta admins', [ada])
  await h.drain()
  t.equal(h.inviteOf('ada@example.com')?.role, 'ADMIN', 'group joined: role raised on the invite (rule matched ignoring case)')
  t.equal(h.calls('business_users.invite').length, 1, 'one invitation, never a second')
  t.equal(h.calls('assigned_users.assign').length, 0, 'no asset while only invited')

  const member = h.sim.acceptInvite(invite!.id)
  await h.runtime.worker.pollAll(true)
  await h.drain()
  t.match(await h.person(ada), { state: 'member', businessUserId: member.id, role: 'ADMIN' })
  t.same(h.sim.store.assignmentsOf(adAccount.id).get(member.id), ['ADVERTISE', 'ANALYZE', 'MANAGE'], 'accepted: assets assigned')

  const res = await h.scim('GET', `/Users/${ada}`)
  t.match(res.body[META_STATE_URN], { state: 'member', role: 'ADMIN' }, 'the SCIM resource shows the Meta state')
  t.ok(res.body.schemas.includes(META_STATE_URN))

  // A second admin exists (the seeded one), so removing Ada is allowed.
  await h.setActive(ada, false)
  await h.drain()
  t.notOk(h.memberOf('ada@example.com'), 'deactivated: member removed')
  t.match(await h.person(ada), { state: 'removed', businessUserId: null })
  t.equal(h.sim.store.assignmentsOf(adAccount.id).get(member.id), undefined, 'their assets went with them')

  await h.setActive(ada, true)
  await h.drain()
  t.ok(h.inviteOf('ada@example.com'), 'reactivated: invited again')
  t.match(await h.person(ada), { state: 'invited' })

  await h.setActive(ada, false)
  await h.drain()
  t.notOk(h.inviteOf('ada@example.com'), 'deactivated while invited: invitation cancelled')

  await h.setActive(ada, true)
  await h.drain()
  const again = h.inviteOf('ada@example.com')
  h.sim.acceptInvite(again!.id)
  await h.runtime.worker.pollAll(true)
  await h.drain()
  t.ok(h.memberOf('ada@example.com'), 'member again')
  t.equal((await h.scim('DELETE', `/Users/${ada}`)).status, 204)
  await h.drain()
  t.notOk(h.memberOf('ada@example.com'), 'deleted: removed')
  t.match(await h.person(ada), { state: 'removed' })

  const audit = await listAudit(h.db, h.tenantId, { userId: ada, limit: 100 })
  const actions = audit.reverse().map((e) => `${e.action}:${e.outcome}`)
  t.same(actions.filter((a) => a.endsWith(':applied')).map((a) => a.split(':')[0]), [
    'invite', 'change_invite_role', 'accepted', 'assign', 'remove', 'invite', 'cancel_invite', 'invite', 'accepted', 'assign', 'remove'
  ], 'one audit event per action, in order')
  t.ok(audit.filter((e) => e.actor === 'provisioning' && e.outcome === 'applied').every((e) => e.meta_trace_id !== null), 'each carries the Meta trace id')
})

t.test('role raised on a member; the SCIM roles attribute wins over groups', async (t) => {
  const h = await provisioningHarness(t)
  const bob = await h.createUser('bob@example.com')
  await h.drain()
  h.sim.acceptInvite(h.inviteOf('bob@example.com')!.id)
  await h.runtime.worker.pollAll(true)
  await h.drain()
  await h.rules([{ group: 'Finance', role: 'FINANCE_ANALYST', priority: 5 }, { group: 'Admins', role: 'ADMIN', priority: 1 }])
  await h.createGroup('Finance', [bob])
  await h.drain()
  t.equal(h.memberOf('bob@example.com')?.role, 'FINANCE_ANALYST', 'group joined: role raised on the member')
  await h.createGroup('Admins', [bob])
  await h.drain()
  t.equal(h.memberOf('bob@example.com')?.role, 'ADMIN', 'best priority wins')
  const patch = await h.scim('PATCH', `/Users/${bob}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'roles', value: [{ value: 'Employee', primary: true }] }] })
  t.equal(patch.status, 200)
  await h.drain()
  t.equal(h.memberOf('bob@example.com')?.role, 'EMPLOYEE', 'roles attribute wins over groups')
})

t.test('an email already invited or a member is adopted, never invited twice', async (t) => {
  const h = await provisioningHarness(t, { sim: { settings: { duplicateInvite: 'new' } } })
  h.sim.addInvite(h.businessId, { email: 'carol@example.com', role: 'EMPLOYEE' })
  h.sim.addMember(h.businessId, { email: 'dan@example.com', role: 'EMPLOYEE' })
  const carol = await h.createUser('carol@example.com')
  const dan = await h.createUser('Dan@Example.com')
  await h.drain()
  t.equal(h.calls('business_users.invite').length, 0, 'no invitation sent')
  t.match(await h.person(carol), { state: 'invited' })
  t.match(await h.person(dan), { state: 'member', role: 'EMPLOYEE' })
  const audit = await listAudit(h.db, h.tenantId)
  t.equal(audit.filter((e) => e.action === 'adopt').length, 2)
})
