import { readFileSync } from 'node:fs'
import t from 'tap'
import { noopAccessChangeSink } from '../../src/directory/access-change-sink.js'
import { createGroupsService } from '../../src/directory/groups-service.js'
import { createUsersService } from '../../src/directory/users-service.js'
import { ScimError } from '../../src/scim/errors.js'
import { evaluateFilter } from '../../src/scim/filter/evaluate.js'
import { parseFilter } from '../../src/scim/filter/parse.js'
import { toScimResource } from '../../src/scim/resource/mapper.js'
import { groupResourceType, userResourceType } from '../../src/scim/schemas/resource-types.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { createTestDatabase } from '../helpers/database.js'

interface SqlCase { filter: string, type: 'User' | 'Group', expect: string[] }
interface ErrorCase { filter: string, type: 'User' | 'Group', error: string }
interface Seed { users: Array<Record<string, unknown>>, groups: Array<{ displayName: string, members: string[] }> }

const table = JSON.parse(readFileSync(new URL('../fixtures/scim/filters.json', import.meta.url), 'utf8')) as { sql: SqlCase[], errors: ErrorCase[], seed: Seed }

const database = await createTestDatabase(t)
const deps = { db: database.db, accessChanges: noopAccessChangeSink }
const users = createUsersService(deps)
const groups = createGroupsService(deps)
const tenant = await insertTenant(database.db, 'filters')
const other = await insertTenant(database.db, 'other')

const ids = new Map<string, string>()
for (const body of table.seed.users) {
  ids.set(String(body.userName), (await users.create(tenant.id, body)).id)
  // Another tenant holds the same users: no filter may ever reach across tenants.
  await users.create(other.id, body)
}
for (const g of table.seed.groups) {
  const members = g.members.map((name) => ({ value: ids.get(name) }))
  ids.set(g.displayName, (await groups.create(tenant.id, { displayName: g.displayName, members })).id)
  await groups.create(other.id, { displayName: g.displayName })
}

// The reference: every resource in its SCIM representation, filtered in memory.
const baseUrl = 'https://scim.test/scim/v2'
const userResources = await Promise.all([...ids.keys()].filter((k) => table.seed.users.some((u) => u.userName === k)).map(async (name) => {
  const user = await users.get(tenant.id, ids.get(name)!, true)
  return toScimResource(userResourceType, user, { baseUrl, groups: user.groups })
}))
const groupResources = await Promise.all(table.seed.groups.map(async (g) => {
  const group = await groups.get(tenant.id, ids.get(g.displayName)!, true)
  return toScimResource(groupResourceType, group, { baseUrl, members: group.members })
}))

const substitute = (filter: string): string => filter.replace(/\{\{(.+?)\}\}/g, (_m, name: string) => ids.get(name) ?? 'missing')

for (const c of table.sql) {
  t.test(`${c.type}s where ${c.filter}`, async (t) => {
    const filter = substitute(c.filter)
    const request = { filter, startIndex: 1, count: 100 }
    const found = c.type === 'User'
      ? (await users.list(tenant.id, request)).items.map((u) => u.userName)
      : (await groups.list(tenant.id, request)).items.map((g) => g.displayName)
    t.same([...found].sort(), [...c.expect].sort(), 'SQL')
    const type = c.type === 'User' ? userResourceType : groupResourceType
    const node = parseFilter(type, filter)
    const reference = (c.type === 'User' ? userResources : groupResources)
      .filter((r) => evaluateFilter(node, r))
      .map((r) => String(c.type === 'User' ? r.userName : r.displayName))
    t.same(reference.sort(), [...c.expect].sort(), 'reference evaluator')
  })
}

for (const c of table.errors) {
  t.test(`${c.type}s where ${c.filter || '(empty)'} is refused`, async (t) => {
    const service = c.type === 'User' ? users : groups
    let error: unknown
    try {
      await service.list(tenant.id, { filter: c.filter, startIndex: 1, count: 100 })
    } catch (err) {
      error = err
    }
    t.ok(error instanceof ScimError, 'a ScimError, never an unfiltered list')
    t.match(error, { status: 400, scimType: c.error })
  })
}
