import t from 'tap'
import { setup } from './helpers/harness.js'

t.test('listBusinessUsers returns accepted members with the requested fields', async t => {
  const { client, sim, businessId } = await setup(t, {
    business: { admins: [{ email: 'ada@corp.example', firstName: 'Ada', lastName: 'Lovelace' }] }
  })
  sim.addMember(businessId, { email: 'bob@corp.example', role: 'EMPLOYEE' })
  sim.addInvite(businessId, { email: 'pending@corp.example' })
  const users = await client.listBusinessUsers()
  t.same(users.map(u => u.email).sort(), ['ada@corp.example', 'bob@corp.example'], 'members only, no invites')
  const ada = users.find(u => u.email === 'ada@corp.example')
  t.match(ada, { role: 'ADMIN', first_name: 'Ada', last_name: 'Lovelace', name: 'Ada Lovelace', marked_for_removal: false })
  const call = sim.calls.list({ route: 'business_users.list' })[0]
  t.equal(call?.tokenVia, 'header', 'token travels in the Authorization header')
  t.match(call?.path, /^\/v26\.0\//, 'the version is always in the path')
})

t.test('getBusinessUser reads one member', async t => {
  const { client, seeded } = await setup(t)
  const admin = seeded.admins[0]!
  const user = await client.getBusinessUser(admin.id)
  t.equal(user.id, admin.id)
  t.equal(user.email, admin.email)
  t.equal(user.role, 'ADMIN')
})

t.test('invite → pending (email filter) → change role → cancel', async t => {
  const { client, sim } = await setup(t)
  const { id } = await client.inviteUser({ email: 'new@corp.example', role: 'EMPLOYEE', invitedUserType: 'MWA' })
  t.ok(sim.store.roleRequests.has(id), 'the simulator stored a role request under the returned id')

  const pending = await client.listPendingUsers({ email: 'new@corp.example' })
  t.equal(pending.length, 1)
  t.match(pending[0], { id, email: 'new@corp.example', role: 'EMPLOYEE', status: /^(PENDING|PENDING_INVITE|sent)$/, invited_user_type: ['MWA'] })
  t.type(pending[0]?.expiration_time, 'string')
  t.same(await client.listPendingUsers({ email: 'other@corp.example' }), [], 'the filter excludes other emails')

  const changed = await client.updatePendingUser(id, { role: 'ADMIN' })
  t.equal(changed.id, id)
  t.equal((await client.getPendingUser(id)).role, 'ADMIN')

  t.equal(await client.cancelPendingUser(id), 'removed')
  t.same(await client.listPendingUsers(), [])
  t.equal(await client.cancelPendingUser(id), 'not_found', 'cancelling twice: 100/33, for the caller to confirm')
})

t.test('invite sends invited_user_type as a JSON list and defaults to FB on Meta\'s side', async t => {
  const { client, sim } = await setup(t)
  const { id } = await client.inviteUser({ email: 'fb@corp.example', role: 'EMPLOYEE' })
  t.same(sim.store.roleRequests.get(id)?.invitedUserType, ['FB'])
  const { id: mwa } = await client.inviteUser({ email: 'mwa@corp.example', role: 'EMPLOYEE', invitedUserType: 'MWA', tasks: ['EMPLOYEE'] })
  t.same(sim.store.roleRequests.get(mwa)?.invitedUserType, ['MWA'])
  t.same(sim.store.roleRequests.get(mwa)?.tasks, ['EMPLOYEE'])
})

t.test('accepted invite becomes a member whose role can change and who can be removed', async t => {
  const { client, sim } = await setup(t)
  const { id } = await client.inviteUser({ email: 'carol@corp.example', role: 'EMPLOYEE' })
  const member = sim.acceptInvite(id)
  t.same(await client.listPendingUsers(), [], 'accepted invites leave pending_users')
  const listed = (await client.listBusinessUsers()).find(u => u.email === 'carol@corp.example')
  t.equal(listed?.id, member.id)

  await client.updateBusinessUserRole(member.id, { role: 'ADMIN' })
  t.equal((await client.getBusinessUser(member.id)).role, 'ADMIN')

  t.equal(await client.removeBusinessUser(member.id), 'removed')
  t.notOk((await client.listBusinessUsers()).some(u => u.id === member.id))
  t.equal(await client.removeBusinessUser(member.id), 'not_found')
})

t.test('removing the last admin surfaces 3914 as a business rule', async t => {
  const { client, seeded } = await setup(t)
  const admin = seeded.admins[0]!
  const err = await client.removeBusinessUser(admin.id).catch((e: unknown) => e)
  t.match(err, { name: 'MetaApiError', code: 3914, errorClass: 'business_rule', source: 'graph' })
  const demote = await client.updateBusinessUserRole(admin.id, { role: 'EMPLOYEE' }).catch((e: unknown) => e)
  t.match(demote, { code: 3914, errorClass: 'business_rule' })
})
