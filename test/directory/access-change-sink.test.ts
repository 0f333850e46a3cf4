import t from 'tap'
import type { Transaction } from 'kysely'
import type { DB } from '../../src/db/schema.js'
import { createGroupsService } from '../../src/directory/groups-service.js'
import { createUsersService } from '../../src/directory/users-service.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { createTestDatabase } from '../helpers/database.js'
import { recordingSink } from './helpers.js'

const database = await createTestDatabase(t)

async function setup (name: string) {
  const sink = recordingSink()
  const deps = { db: database.db, accessChanges: sink }
  const tenant = await insertTenant(database.db, name)
  const users = createUsersService(deps)
  const groups = createGroupsService(deps)
  const ids: string[] = []
  for (const userName of ['a', 'b', 'c']) ids.push((await users.create(tenant.id, { userName })).id)
  sink.calls.length = 0
  return { sink, tenantId: tenant.id, users, groups, ids: ids as [string, string, string] }
}

t.test('every user write tells the sink, in its transaction, which user changed', async (t) => {
  const { sink, tenantId, users } = await setup('users')
  const user = await users.create(tenantId, { userName: 'ada' })
  await users.replace(tenantId, user.id, { userName: 'ada', active: false })
  await users.patch(tenantId, user.id, [{ op: 'replace', path: 'active', value: true }])
  await users.delete(tenantId, user.id)
  t.same(sink.calls, ['create', 'replace', 'patch', 'delete'].map(() => ({ method: 'usersChanged', tenantId, ids: [user.id], inTransaction: true })))
})

t.test('group writes tell the sink whose memberships changed', async (t) => {
  const { sink, tenantId, groups, ids: [a, b, c] } = await setup('groups')
  const group = await groups.create(tenantId, { displayName: 'G', members: [{ value: a }, { value: b }] })
  t.same(sink.calls.splice(0), [{ method: 'usersChanged', tenantId, ids: [a, b].sort(), inTransaction: true }], 'create with members')

  await groups.patch(tenantId, group.id, [{ op: 'add', path: 'members', value: [{ value: a }, { value: c }] }])
  t.same(sink.calls.splice(0), [{ method: 'usersChanged', tenantId, ids: [c], inTransaction: true }], 'only the member actually added')

  await groups.patch(tenantId, group.id, [{ op: 'add', path: 'members', value: [{ value: a }] }])
  t.same(sink.calls.splice(0), [], 'nothing changed, nothing told')

  await groups.patch(tenantId, group.id, [{ op: 'remove', path: `members[value eq "${b}"]` }])
  t.same(sink.calls.splice(0), [{ method: 'usersChanged', tenantId, ids: [b], inTransaction: true }], 'removal')

  await groups.replace(tenantId, group.id, { displayName: 'G', members: [{ value: b }, { value: c }] })
  t.same(sink.calls.splice(0), [{ method: 'usersChanged', tenantId, ids: [a, b].sort(), inTransaction: true }], 'PUT: a removed, b added, c kept')

  await groups.patch(tenantId, group.id, [{ op: 'replace', path: 'displayName', value: 'Renamed' }])
  t.same(sink.calls.splice(0), [{ method: 'groupMembersChanged', tenantId, ids: [group.id], inTransaction: true, membersSeen: [b, c].sort() }], 'rename')

  await groups.patch(tenantId, group.id, [{ op: 'remove', path: 'members' }, { op: 'add', path: 'members', value: [{ value: a }] }])
  t.same(sink.calls.splice(0), [
    { method: 'groupMembersChanged', tenantId, ids: [group.id], inTransaction: true, membersSeen: [b, c].sort() },
    { method: 'usersChanged', tenantId, ids: [a], inTransaction: true }
  ], 'remove all is told before the members go; the new member after')

  await groups.delete(tenantId, group.id)
  t.same(sink.calls.splice(0), [{ method: 'groupMembersChanged', tenantId, ids: [group.id], inTransaction: true, membersSeen: [a] }], 'delete is told before the memberships go')
})

t.test('a failing sink rolls the write back: it runs in the same transaction', async (t) => {
  const tenant = await insertTenant(database.db, 'failing')
  const failing = {
    usersChanged: async (trx: Transaction<DB>) => {
      t.ok(trx.isTransaction)
      throw new Error('queue unavailable')
    },
    groupMembersChanged: async () => { throw new Error('queue unavailable') }
  }
  const users = createUsersService({ db: database.db, accessChanges: failing })
  await t.rejects(users.create(tenant.id, { userName: 'lost' }), /queue unavailable/)
  const rows = await database.db.selectFrom('users').select('id').where('tenant_id', '=', tenant.id).execute()
  t.same(rows, [], 'no user without its access change')
})
