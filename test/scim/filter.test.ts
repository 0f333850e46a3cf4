import { readFileSync } from 'node:fs'
import t from 'tap'
import { ScimError } from '../../src/scim/errors.js'
import { parseFilter } from '../../src/scim/filter/parse.js'
import { toStrictFilter } from '../../src/scim/filter/lenient.js'
import { groupResourceType, userResourceType } from '../../src/scim/schemas/resource-types.js'

interface ParseCase { filter: string, type: 'User' | 'Group', expect: Record<string, unknown> }

const table = JSON.parse(readFileSync(new URL('../fixtures/scim/filters.json', import.meta.url), 'utf8')) as { parse: ParseCase[] }
const typeOf = (name: string) => (name === 'User' ? userResourceType : groupResourceType)

for (const c of table.parse) {
  t.test(`parses ${c.filter}`, async (t) => {
    t.match(parseFilter(typeOf(c.type), c.filter), c.expect)
  })
}

t.test('lenient rewriting into the strict grammar', async (t) => {
  t.equal(toStrictFilter('userName sw O'), 'userName sw "O"')
  t.equal(toStrictFilter('active Eq TRUE'), 'active eq true')
  t.equal(toStrictFilter('x eq 42'), 'x eq 42')
  t.equal(toStrictFilter('emails[type eq "work"].value pr'), 'emails [ ( type eq "work" ) and value pr ]')
  t.equal(toStrictFilter('emails[type eq work] and title eq "a"'), 'emails [ type eq "work" ] and title eq "a"')
})

t.test('filters that cannot be parsed are 400 invalidFilter', async (t) => {
  for (const filter of ['userName eq "a\\\\"', '(userName eq "a"', 'userName eq "a" or', '"x" eq userName', 'a'.repeat(5000)]) {
    let error: unknown
    try {
      parseFilter(userResourceType, filter)
    } catch (err) {
      error = err
    }
    t.ok(error instanceof ScimError, `${filter.slice(0, 30)} throws a ScimError`)
    t.match(error, { status: 400, scimType: 'invalidFilter' })
  }
})
