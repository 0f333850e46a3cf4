import fc from 'fast-check'
import t from 'tap'
import { ScimError } from '../../src/scim/errors.js'
import { applyPatch } from '../../src/scim/patch/apply.js'
import type { PatchOperationInput } from '../../src/scim/patch/operations.js'
import { normalizeResource } from '../../src/scim/resource/normalize.js'
import { canonicalProblems } from '../../src/scim/resource/validate.js'
import { groupResourceType, userResourceType } from '../../src/scim/schemas/resource-types.js'

// Property: any sequence of PATCH requests, each either applied whole or refused with a 400
// ScimError, leaves the resource a valid canonical body (RFC 7643 types, canonical names, no
// empty values, one primary at most, required attributes present, nothing readOnly).

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
const text = fc.string({ unit: fc.constantFrom('a', 'B', ' ', '"', '@'), maxLength: 3 })
const element = fc.record({
  value: fc.option(text, { nil: undefined }),
  type: fc.option(fc.constantFrom('work', 'home', 'other', 'mobile'), { nil: undefined }),
  primary: fc.option(fc.constantFrom(true, false, 'True', 'false'), { nil: undefined }),
  Display: fc.option(text, { nil: undefined })
}, { requiredKeys: [] })
const value: fc.Arbitrary<unknown> = fc.oneof(
  text, fc.boolean(), fc.constantFrom('True', 'False', '', null, 42),
  element, fc.array(element, { maxLength: 3 }),
  fc.record({ givenName: text, FamilyName: text }, { requiredKeys: [] }),
  fc.record({ department: text, manager: fc.oneof(text, fc.record({ value: text })) }, { requiredKeys: [] })
)

const userPaths = [
  'title', 'displayName', 'active', 'userName', 'nickName', 'name', 'name.givenName', 'Name.FamilyName', 'emails', 'EMAILS',
  'emails[type eq "work"]', 'emails[type eq "work"].value', 'emails[type eq "home"].primary', 'emails[value co "a"].type',
  'emails[type eq "work" or primary eq true].display', 'phoneNumbers[type eq "mobile"].value', 'roles', 'addresses[type eq "work"].locality',
  `${ENT}:department`, `${ENT}:manager`, `${ENT}:manager.value`, ENT, 'externalId', 'id', 'meta.created', 'groups', 'unknownThing', 'emails[type eq'
]
const pathless = fc.dictionary(fc.constantFrom('title', 'name.givenName', `${ENT}:department`, 'active', 'emails', 'id', 'schemas', ENT, 'displayName'), value, { maxKeys: 3 })
const operation: fc.Arbitrary<PatchOperationInput> = fc.oneof(
  fc.record({ op: fc.constantFrom('add', 'replace', 'remove', 'Add', 'Replace', 'Remove'), path: fc.constantFrom(...userPaths), value }),
  fc.record({ op: fc.constantFrom('add', 'replace', 'Replace'), value: pathless })
)

function step (type: typeof userResourceType, data: Record<string, unknown>, ops: PatchOperationInput[], options: { id: string, deltaAttribute?: string }): Record<string, unknown> {
  try {
    return applyPatch(type, data, ops, options).data
  } catch (err) {
    if (!(err instanceof ScimError) || err.status !== 400) throw new Error(`not a 400 ScimError: ${String(err)}`)
    return data
  }
}

t.test('random PATCH sequences keep a User valid', async (t) => {
  const start = normalizeResource(userResourceType, { userName: 'ada', emails: [{ value: 'a@x', type: 'work', primary: true }], name: { givenName: 'Ada' } })
  fc.assert(fc.property(fc.array(fc.array(operation, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }), (requests) => {
    let data = start
    for (const ops of requests) {
      const before = structuredClone(data)
      data = step(userResourceType, data, ops, { id: 'u1' })
      const problems = canonicalProblems(userResourceType, data)
      if (problems.length > 0) throw new Error(`${JSON.stringify(ops)} on ${JSON.stringify(before)} gave ${JSON.stringify(data)}: ${problems.join('; ')}`)
    }
  }), { numRuns: 500 })
  t.pass('500 random sequences')
})

t.test('random PATCH sequences keep a Group valid and members out of its body', async (t) => {
  const groupOp: fc.Arbitrary<PatchOperationInput> = fc.record({
    op: fc.constantFrom('add', 'replace', 'remove', 'Remove'),
    path: fc.constantFrom('displayName', 'externalId', 'members', 'members[value eq "a"]', 'members[display co "x"]', undefined),
    value: fc.oneof(text, fc.array(fc.record({ value: text, display: text }, { requiredKeys: ['value'] }), { maxLength: 3 }), fc.record({ displayName: text, members: fc.constant([{ value: 'b' }]) }, { requiredKeys: [] }))
  }, { requiredKeys: ['op'] })
  fc.assert(fc.property(fc.array(fc.array(groupOp, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }), (requests) => {
    let data: Record<string, unknown> = { displayName: 'Engineering' }
    for (const ops of requests) {
      data = step(groupResourceType, data, ops, { id: 'g1', deltaAttribute: 'members' })
      const problems = canonicalProblems(groupResourceType, data, { deltaAttribute: 'members' })
      if (problems.length > 0) throw new Error(`${JSON.stringify(ops)} gave ${JSON.stringify(data)}: ${problems.join('; ')}`)
    }
  }), { numRuns: 300 })
  t.pass('300 random sequences')
})

// Found by the property above in CI (seed 1834535692): two equal `{primary: true}` values made
// the first lose `primary` to its own duplicate and stay behind as an empty element.
t.test('duplicate primary elements collapse to one; an element emptied by losing primary goes', async (t) => {
  const start = normalizeResource(userResourceType, { userName: 'ada' })
  const add = applyPatch(userResourceType, start, [{ op: 'add', path: 'roles', value: [{ primary: true }, { primary: true }] }], { id: 'u1' }).data
  t.same(add.roles, [{ primary: true }])
  t.same(canonicalProblems(userResourceType, add), [])
  const replace = applyPatch(userResourceType, start, [{ op: 'replace', path: 'roles', value: [{ primary: true }, { value: 'admin', primary: true }] }], { id: 'u1' }).data
  t.same(replace.roles, [{ value: 'admin', primary: true }], 'the last primary wins; the element left empty is dropped')
  const added = applyPatch(userResourceType, add, [{ op: 'add', path: 'roles', value: [{ value: 'x', primary: true }] }], { id: 'u1' }).data
  t.same(added.roles, [{ value: 'x', primary: true }])
  t.same(canonicalProblems(userResourceType, added), [])
})
