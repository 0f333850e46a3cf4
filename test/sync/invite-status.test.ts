import t from 'tap'
import { sql } from 'kysely'
import { syncSetup } from './helpers/setup.js'

// BusinessRoleRequest.status has no documented values: open unless it clearly says closed.

t.test('invitations with unknown status spellings count as open; clearly closed ones do not', async (t) => {
  const s = await syncSetup(t)
  const { sim, businessId } = s
  sim.updateSettings({ showClosedInvites: true, inviteStatus: { expired: 'INVITE_EXPIRED', declined: 'Declined' } })
  const sent = sim.addInvite(businessId, { email: 'sent@corp.example' })
  const pendingInvite = sim.addInvite(businessId, { email: 'pi@corp.example' })
  const expired = sim.addInvite(businessId, { email: 'old@corp.example' })
  const declined = sim.addInvite(businessId, { email: 'no@corp.example' })
  sim.expireInvite(expired.id)
  sim.declineInvite(declined.id)
  const spellings = sim.settings.openInviteStatuses
  t.ok(spellings.length > 1, 'the realistic simulator spells open invitations several ways')
  const users = {
    sent: await s.addUser({ userName: 'sent@corp.example', role: 'EMPLOYEE' }),
    pi: await s.addUser({ userName: 'pi@corp.example', role: 'EMPLOYEE' }),
    old: await s.addUser({ userName: 'old@corp.example', role: 'EMPLOYEE' })
  }
  const run = await s.runSync()
  t.equal(run.status, 'succeeded', run.error ?? '')
  const rows = await s.db.selectFrom('meta_directory_people').select(['meta_id', 'invite_status']).where('tenant_id', '=', s.tenantId).where('kind', '=', 'invite').execute()
  const statusOf = (id: string) => rows.find((r) => r.meta_id === id)?.invite_status
  t.not(statusOf(sent.id), statusOf(pendingInvite.id), 'two open spellings in one business')
  t.equal(statusOf(expired.id), 'INVITE_EXPIRED')

  const drift = (await s.admin.get(`/tenants/${s.tenantId}/drift`)).json()
  t.same(drift.missing.map((m: { user_id: string }) => m.user_id).sort(), [users.old].sort(), 'only the person whose invitation expired is missing')
  t.same(drift.unmanaged.filter((p: { kind: string }) => p.kind === 'invite'), [], 'closed invitations hold no seat; open ones are matched')
  const observed = await sql<{ user_id: string, state: string }>`select user_id, state from test_observed where tenant_id = ${s.tenantId}`.execute(s.db)
  const stateOf = (id: string) => observed.rows.find((r) => r.user_id === id)?.state
  t.equal(stateOf(users.sent), 'invited', 'an open spelling is observed as invited')
  t.equal(stateOf(users.pi), 'invited')
  t.equal(stateOf(users.old), 'invite_expired', 'INVITE_EXPIRED is expired')
})
