import t from 'tap'
import { noopAccessChangeSink } from '../../src/directory/access-change-sink.js'
import { createGroupsService } from '../../src/directory/groups-service.js'
import { createUsersService } from '../../src/directory/users-service.js'
import { ScimError } from '../../src/scim/errors.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { createTestDatabase } from '../helpers/database.js'

// On PGlite the single connection serialises transactions; with TEST_DATABASE_URL the pool
// runs them in parallel on PostgreSQL, which is where a read-modify-write would lose members.
const database = await createTestDatabase(t)
const deps = { db: database.db, accessChanges: noopAccessChangeSink }
const users = createUsersService(deps)
const groups = createGroupsService(deps)
const tenant = await insertTenant(database.db, 'concurrency')

t.test(`50 parallel PATCHes adding distinct members leave exactly 50 (${database.engine})`, async (t) => {
  const ids: string[] = []
  for (let i = 0; i < 50; i++) ids.push((await users.create(tenant.id, { userName: `member-${i}` })).id)
  const group = await groups.create(tenant.id, { displayName: 'Everyone' })
  const results = await Promise.allSettled(ids.map(async (id) =>
    groups.patch(tenant.id, group.id, [{ op: 'add', path: 'members', value: [{ value: id }] }])))
  t.same(results.filter((r) => r.status === 'rejected'), [], 'no PATCH failed')
  const members = await groups.membersOf(tenant.id, group.id)
  t.equal(members.length, 50)
  t.same(members.map((m) => m.id).sort(), [...ids].sort())
  t.equal((await groups.get(tenant.id, group.id)).version, 51, 'every PATCH bumped the version once, under the row lock')
})

t.test(`parallel creates of one userName: one wins, the rest get 409 (${database.engine})`, async (t) => {
  const results = await Promise.allSettled(Array.from({ length: 10 }, async (_, i) => users.create(tenant.id, { userName: i % 2 === 0 ? 'Twin' : 'twin' })))
  t.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))
  t.equal(errors.length, 9)
  t.ok(errors.every((e) => e instanceof ScimError && e.status === 409 && e.scimType === 'uniqueness'))
})
