import fc from 'fast-check'
import t from 'tap'
import { noopAccessChangeSink } from '../../src/directory/access-change-sink.js'
import { createUsersService } from '../../src/directory/users-service.js'
import { evaluateFilter } from '../../src/scim/filter/evaluate.js'
import { parseFilter } from '../../src/scim/filter/parse.js'
import { toScimResource } from '../../src/scim/resource/mapper.js'
import { userResourceType } from '../../src/scim/schemas/resource-types.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { createTestDatabase } from '../helpers/database.js'

// Property: for random users and random filters, the SQL translation selects exactly the users
// the reference evaluator (src/scim/filter/evaluate.ts) selects over their SCIM representation.
// Strings are ASCII with LIKE wildcards, quotes and case differences, so case folding,
// escaping and byte order are all exercised.

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
const text = fc.string({ unit: fc.constantFrom('a', 'A', 'b', 'B', '%', '_', '"', ' ', '.', '@'), maxLength: 4 })
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })

const email = fc.record({ value: maybe(text), type: maybe(fc.constantFrom('work', 'home', 'other')), primary: maybe(fc.boolean()) })
const user = fc.record({
  userName: text,
  displayName: maybe(text),
  title: maybe(text),
  active: fc.boolean(),
  name: maybe(fc.record({ givenName: maybe(text), familyName: maybe(text) })),
  emails: maybe(fc.array(email, { maxLength: 3 })),
  [ENT]: maybe(fc.record({ department: maybe(text) }))
})

const anyCase = (name: string) => fc.constantFrom(name, name.toUpperCase(), name.toLowerCase())
const stringOp = fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'EQ', 'Co')

/** Every string in the generated users, so comparison values often hit (or nearly hit) real data. */
function stringsOf (value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(stringsOf)
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsOf)
  return []
}

function filterArbitrary (pool: string[]): fc.Arbitrary<string> {
  const fromData = pool.length === 0
    ? text
    : fc.tuple(fc.constantFrom(...pool), fc.nat(4), fc.nat(4), fc.constantFrom('same', 'upper', 'lower')).map(([v, from, len, kase]) => {
      const cut = v.slice(Math.min(from, v.length), Math.min(from, v.length) + len + 1)
      const picked = len === 4 ? v : cut
      return kase === 'upper' ? picked.toUpperCase() : kase === 'lower' ? picked.toLowerCase() : picked
    })
  const quoted = fc.oneof(text, fromData, fromData).map((v) => JSON.stringify(v))
  const resourceLeaf = fc.oneof(
    fc.tuple(fc.constantFrom('userName', 'displayName', 'title', 'name.givenName', 'name.familyName', `${ENT}:department`, 'emails.value', 'emails.type', 'emails').chain(anyCase), stringOp, quoted)
      .map(([a, op, v]) => `${a} ${op} ${v}`),
    fc.tuple(anyCase('active'), fc.constantFrom('eq', 'ne'), fc.constantFrom('true', 'false', 'True')).map(([a, op, v]) => `${a} ${op} ${v}`),
    fc.constantFrom('title', 'name', 'emails', 'displayName', `${ENT}:department`, 'emails.primary').map((a) => `${a} pr`)
  )
  const elementLeaf = fc.oneof(
    fc.tuple(fc.constantFrom('value', 'type', 'VALUE'), stringOp, quoted).map(([a, op, v]) => `${a} ${op} ${v}`),
    fc.constantFrom('primary eq true', 'primary ne true', 'value pr', 'type pr')
  )
  const { element } = fc.letrec<{ element: string }>((tie) => ({
    element: fc.oneof({ depthSize: 'small' },
      elementLeaf,
      fc.tuple(tie('element'), fc.constantFrom('and', 'or'), tie('element')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
      tie('element').map((a) => `not (${a})`))
  }))
  const { filter } = fc.letrec<{ filter: string }>((tie) => ({
    filter: fc.oneof({ depthSize: 'small' },
      resourceLeaf,
      resourceLeaf,
      element.map((e) => `emails[${e}]`),
      fc.tuple(element, fc.constantFrom('value', 'type'), stringOp, quoted).map(([e, sub, op, v]) => `emails[${e}].${sub} ${op} ${v}`),
      fc.tuple(tie('filter'), fc.constantFrom('and', 'or', 'AND'), tie('filter')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
      tie('filter').map((a) => `not (${a})`))
  }))
  return filter
}

const scenario = fc.array(user, { minLength: 1, maxLength: 6 })
  .chain((bodies) => fc.tuple(fc.constant(bodies), fc.array(filterArbitrary(stringsOf(bodies).filter((s) => s !== '')), { minLength: 1, maxLength: 8 })))

const database = await createTestDatabase(t)
const users = createUsersService({ db: database.db, accessChanges: noopAccessChangeSink })
let run = 0

t.test('SQL filters agree with the reference evaluator', async (t) => {
  await fc.assert(fc.asyncProperty(scenario, async ([bodies, filters]) => {
    const tenant = await insertTenant(database.db, `property-${run++}`)
    const resources = []
    for (const [i, body] of bodies.entries()) {
      // userName is unique per tenant; the index prefix keeps random names apart.
      const record = await users.create(tenant.id, { ...body, userName: `u${i}${body.userName}` })
      resources.push(toScimResource(userResourceType, record, { baseUrl: 'https://x' }))
    }
    for (const f of filters) {
      let node
      try {
        node = parseFilter(userResourceType, f)
      } catch (err) {
        throw new Error(`filter ${f} does not parse: ${String(err)}`)
      }
      const expected = resources.filter((r) => evaluateFilter(node, r)).map((r) => r.id as string).sort()
      const actual = (await users.list(tenant.id, { filter: f, startIndex: 1, count: 100 })).items.map((u) => u.id).sort()
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        throw new Error(`filter ${f}: SQL ${JSON.stringify(actual)} != reference ${JSON.stringify(expected)}`)
      }
    }
  }), { numRuns: 60 })
  t.pass('60 random data sets, up to 8 filters each')
})
