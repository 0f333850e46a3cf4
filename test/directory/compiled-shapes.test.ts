import { readFileSync } from 'node:fs'
import t from 'tap'
import { CompiledShapes } from '../../src/db/compiled-shapes.js'
import { listUsersQuery, listUsersStatement } from '../../src/directory/users-repository.js'
import type { ListQuery } from '../../src/directory/records.js'
import type { FilterNode } from '../../src/scim/filter/ir.js'
import { parseFilter } from '../../src/scim/filter/parse.js'
import { userResourceType } from '../../src/scim/schemas/resource-types.js'
import { createTestDatabase } from '../helpers/database.js'

// The statement a cached shape gives must be the statement kysely builds for the same request,
// for every filter the translator tables hold and for other values of the same class.

interface Case { filter: string, type: 'User' | 'Group' }
const table = JSON.parse(readFileSync(new URL('../fixtures/scim/filters.json', import.meta.url), 'utf8')) as { sql: Case[] }
const database = await createTestDatabase(t)
const db = database.db
const tenantA = '0b1d3c6e-5a4f-4c2e-9d8b-7f6e5d4c3b2a'
const tenantB = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The same filter with every string replaced by another of its class. */
function otherValues (node: FilterNode): FilterNode {
  switch (node.kind) {
    case 'and': case 'or': return { kind: node.kind, items: node.items.map(otherValues) }
    case 'not': return { kind: 'not', item: otherValues(node.item) }
    case 'any': return { ...node, where: otherValues(node.where) }
    case 'present': return node
    case 'compare':
      if (typeof node.value !== 'string') return node
      return { ...node, value: UUID.test(node.value) ? '3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9' : `${node.value}-other` }
  }
}

const withIds = (filter: string): string => filter.replace(/\{\{(.+?)\}\}/g, '5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b')
const userCases = table.sql.filter((c) => c.type === 'User')
t.ok(userCases.length > 20, 'the translator tables hold many user filters')

let cached = 0
for (const c of userCases) {
  const filter = parseFilter(userResourceType, withIds(c.filter))
  for (const [first, second] of [[filter, otherValues(filter)]] as const) {
    for (const page of [{ offset: 0, limit: 100 }, { offset: 40, limit: 7 }]) {
      const learn: ListQuery = { filter: first, sort: undefined, ...page }
      const reuse: ListQuery = { filter: second, sort: undefined, offset: page.offset === 0 ? 0 : page.offset + 3, limit: page.limit + 1 }
      const learned = listUsersStatement(db, tenantA, learn, { groups: true })
      const reused = listUsersStatement(db, tenantB, reuse, { groups: true })
      if (learned === undefined || reused === undefined) continue
      cached++
      const built = listUsersQuery(db, tenantB, reuse, { groups: true }).compile()
      t.equal(reused.sql, built.sql, `${c.filter} (offset ${page.offset}): the same SQL`)
      t.same(reused.parameters, built.parameters, `${c.filter} (offset ${page.offset}): the values in their places`)
    }
  }
}
t.ok(cached > userCases.length, `most shapes are cacheable (${cached} of ${userCases.length * 2})`)

t.test('a shape whose value is transformed on its way is not cached', async (t) => {
  const shapes = new CompiledShapes()
  const wrapped = shapes.statement('wrapped', ['abc'], (s) => listUsersQuery(db, tenantA, {
    filter: undefined, sort: undefined, offset: 0, limit: 1
  }).where('user_name', 'like', `%${s.text()}%`).compile())
  t.equal(wrapped, undefined, 'the sentinel reached the statement wrapped: not cacheable')
  const missing = shapes.statement('missing', ['abc'], () => listUsersQuery(db, tenantA, {
    filter: undefined, sort: undefined, offset: 0, limit: 1
  }).compile())
  t.equal(missing, undefined, 'a value the statement never took: not cacheable')
  t.equal(shapes.size, 2, 'both remembered as not cacheable')
})

t.test('the number of shapes is bounded', async (t) => {
  const shapes = new CompiledShapes(2)
  const build = (limit: number) => (s: { number: () => number }) => listUsersQuery(db, tenantA, {
    filter: undefined, sort: undefined, offset: 0, limit: s.number()
  }).compile()
  for (const key of ['a', 'b', 'c']) t.ok(shapes.statement(key, [5], build(5)))
  t.equal(shapes.size, 2, 'a third shape is built but not kept')
  t.same(shapes.statement('c', [9], build(9))?.parameters.at(-1), 9, 'and still answers with its own values')
})
