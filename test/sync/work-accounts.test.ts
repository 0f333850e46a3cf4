import t from 'tap'
import { sql } from 'kysely'
import { syncSetup } from './helpers/setup.js'

async function observed (db: any, tenantId: string) {
  const { rows } = await sql<{ user_id: string, state: string, business_user_id: string | null, role_request_id: string | null, work_account: boolean }>`
    select user_id, state, business_user_id, role_request_id, work_account from test_observed where tenant_id = ${tenantId}`.execute(db)
  return new Map(rows.map((r) => [r.user_id, r]))
}

t.test('a business moving from personal profiles to Work Accounts re-matches everyone on the next sync', async (t) => {
  const s = await syncSetup(t)
  const { sim, businessId } = s
  const ann = sim.addMember(businessId, { email: 'ann@corp.example' })
  const ben = sim.addMember(businessId, { email: 'ben@corp.example' })
  const cat = sim.addMember(businessId, { email: 'Cat.Smith@corp.example' })
  const u = {
    ann: await s.addUser({ userName: 'ann', emails: [{ value: 'ann@corp.example', primary: true }], role: 'EMPLOYEE' }),
    ben: await s.addUser({ userName: 'ben@corp.example', role: 'EMPLOYEE' }),
    cat: await s.addUser({ userName: 'csmith', emails: [{ value: 'cat@home.example', primary: true }, { value: 'cat.smith@corp.example' }], role: 'EMPLOYEE' })
  }
  const first = await s.runSync()
  t.equal(first.status, 'succeeded', first.error ?? '')
  t.equal(first.counts.matched_users, 3)
  let seen = await observed(s.db, s.tenantId)
  t.same([u.ann, u.ben, u.cat].map((id) => seen.get(id)?.business_user_id), [ann.id, ben.id, cat.id])
  t.notOk([...seen.values()].some((o) => o.work_account), 'personal profiles first')

  // The move (reference §10): one account converted in place, two replaced by new managed
  // accounts with new business-scoped ids, their emails spelled differently.
  sim.makeWorkAccount(ann.id)
  sim.store.members.delete(ben.id)
  sim.store.members.delete(cat.id)
  const ben2 = sim.addMember(businessId, { email: 'BEN@CORP.EXAMPLE', workAccount: true })
  const cat2 = sim.addMember(businessId, { email: 'cat.smith@CORP.example', workAccount: true })

  const second = await s.runSync()
  t.equal(second.status, 'succeeded', second.error ?? '')
  // A member's managed-account status is not readable (no invited_user_type on BusinessUser in
  // Meta's spec), so the re-match goes by email alone.
  t.match(second.counts, { matched_users: 3, work_accounts: 0, unmanaged: 1, missing: 0 }, 'only the owner, whom the IdP does not know, is unmanaged')
  seen = await observed(s.db, s.tenantId)
  t.same([u.ann, u.ben, u.cat].map((id) => seen.get(id)?.business_user_id), [ann.id, ben2.id, cat2.id], 'matched to the new accounts')
  t.ok([u.ann, u.ben, u.cat].every((id) => seen.get(id)?.state === 'active'))
  const rows = await s.db.selectFrom('meta_directory_people').select(['meta_id', 'matched_user_id', 'work_account'])
    .where('tenant_id', '=', s.tenantId).where('kind', '=', 'member').where('matched_user_id', 'is not', null).orderBy('meta_id').execute()
  t.same(rows.map((r) => r.meta_id).sort(), [ann.id, ben2.id, cat2.id].sort())
})

t.test('a tenant already on Work Accounts matches members and managed-account invites on its first sync', async (t) => {
  const s = await syncSetup(t)
  const dee = s.sim.addMember(s.businessId, { email: 'dee@corp.example', workAccount: true })
  const invite = s.sim.addInvite(s.businessId, { email: 'eli@corp.example', invitedUserType: ['MWA'] })
  const dUser = await s.addUser({ userName: 'Dee@Corp.Example', role: 'EMPLOYEE' })
  const eUser = await s.addUser({ userName: 'eli@corp.example', role: 'EMPLOYEE' })
  const run = await s.runSync()
  t.match(run.counts, { matched_users: 2 })
  const seen = await observed(s.db, s.tenantId)
  t.match(seen.get(dUser), { state: 'active', business_user_id: dee.id })
  t.match(seen.get(eUser), { state: 'invited', role_request_id: invite.id, work_account: true })
})

t.test('the sync never asks members for invited_user_type (not a BusinessUser field in the spec)', async (t) => {
  const s = await syncSetup(t)
  const fay = s.sim.addMember(s.businessId, { email: 'fay@corp.example', workAccount: true })
  const id = await s.addUser({ userName: 'fay@corp.example', role: 'EMPLOYEE' })
  const run = await s.runSync()
  t.equal(run.status, 'succeeded', run.error ?? '')
  t.match((await observed(s.db, s.tenantId)).get(id), { state: 'active', business_user_id: fay.id })
  const reads = s.sim.calls.list({ route: 'business_users.list' })
  t.ok(reads.length > 0)
  t.ok(reads.every((c) => c.errorCode === null && !String(c.params.fields).includes('invited_user_type')), 'one read, no refused field')
})
