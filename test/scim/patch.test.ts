import { readFileSync } from 'node:fs'
import t from 'tap'
import { ScimError } from '../../src/scim/errors.js'
import { applyPatch } from '../../src/scim/patch/apply.js'
import type { PatchOperationInput } from '../../src/scim/patch/operations.js'
import { canonicalProblems } from '../../src/scim/resource/validate.js'
import { groupResourceType, userResourceType } from '../../src/scim/schemas/resource-types.js'

interface PatchCase {
  name: string
  source: string
  type: 'User' | 'Group'
  before: Record<string, unknown>
  operations: PatchOperationInput[]
  after?: Record<string, unknown>
  memberDeltas?: unknown[]
  error?: string
}

function caught (fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  return undefined
}

const table = JSON.parse(readFileSync(new URL('../fixtures/scim/patch.json', import.meta.url), 'utf8')) as { cases: PatchCase[] }

for (const c of table.cases) {
  t.test(`${c.name} (${c.source})`, async (t) => {
    const type = c.type === 'User' ? userResourceType : groupResourceType
    const before = structuredClone(c.before)
    const options = { id: 'u1', ...(c.type === 'Group' ? { deltaAttribute: 'members' } : {}) }
    if (c.error) {
      const err = caught(() => applyPatch(type, before, c.operations, options))
      t.ok(err instanceof ScimError, `throws a ScimError (got ${String(err)})`)
      t.match(err, { status: 400, scimType: c.error })
    } else {
      const result = applyPatch(type, before, c.operations, options)
      t.same(result.data, c.after, 'body after the operations')
      t.same(result.memberDeltas, c.memberDeltas, 'membership deltas')
      t.same(canonicalProblems(type, result.data, options), [], 'the result is a valid canonical body')
    }
    // The engine is pure: it never changes the body it was given, even when it fails.
    t.same(before, c.before, 'input unchanged')
  })
}
