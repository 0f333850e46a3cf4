import t from 'tap'
import fc from 'fast-check'
import { plan, isRemoval, callsMeta, type PlanInput } from '../../../src/provisioning/engine/plan.js'
import {
  presenceOf, type AssetAccess, type DesiredAccess, type IdentityMode, type ObservedAccess, type Step
} from '../../../src/provisioning/engine/reconcile-types.js'
import type { BusinessRole } from '../../../src/meta/index.js'
import { gapIsEmpty, taskGap } from '../../../src/provisioning/engine/task-coverage.js'
import type { PersonState } from '../../../src/provisioning/records/tables.js'

// What Meta would look like after the steps: the model the plan is checked against.
function simulate (observed: ObservedAccess, steps: Step[]): ObservedAccess {
  let o: ObservedAccess = { ...observed, assets: [...observed.assets] }
  for (const s of steps) {
    switch (s.kind) {
      case 'invite': o = { ...o, inviteId: 'R1', role: s.role, state: 'invited' }; break
      case 'change_invite_role': o = { ...o, role: s.to }; break
      case 'cancel_invite': o = { ...o, inviteId: null, role: null, state: 'removed' }; break
      case 'change_role': o = { ...o, role: s.to }; break
      case 'assign': o = { ...o, assets: [...o.assets.filter((a) => !(a.assetType === s.asset.assetType && a.assetId === s.asset.assetId)), s.asset] }; break
      case 'unassign': o = { ...o, assets: o.assets.filter((a) => !(a.assetType === s.assetType && a.assetId === s.assetId)) }; break
      case 'remove': o = { ...o, businessUserId: null, inviteId: null, role: null, assets: [], state: 'removed' }; break
      case 'skip': o = { ...o, state: 'skipped' }; break
      case 'blocked': o = { ...o, state: 'failed' }; break
    }
  }
  return o
}

const place = (a: AssetAccess) => `${a.assetType}:${a.assetId}`
/** The same assets, each holding what is desired as the grant rule counts it (task-coverage.ts). */
const sameAssets = (have: AssetAccess[], want: AssetAccess[]) =>
  have.map(place).sort().join('|') === want.map(place).sort().join('|') &&
  want.every((w) => { const h = have.find((x) => place(x) === place(w)); return h !== undefined && gapIsEmpty(taskGap(w.assetType, w.tasks, h.tasks)) })

const ROLES: BusinessRole[] = ['ADMIN', 'EMPLOYEE', 'FINANCE_ANALYST']
const A1: AssetAccess = { assetType: 'ad_account', assetId: 'act_1', tasks: ['ADVERTISE', 'ANALYZE'] }
const A1_LESS: AssetAccess = { assetType: 'ad_account', assetId: 'act_1', tasks: ['ANALYZE'] }
const P1: AssetAccess = { assetType: 'page', assetId: '77', tasks: ['ANALYZE'] }

const desiredCases: Array<[string, DesiredAccess]> = [
  ['none', { role: null, assets: [] }],
  ['EMPLOYEE', { role: 'EMPLOYEE', assets: [] }],
  ['ADMIN', { role: 'ADMIN', assets: [] }],
  ['EMPLOYEE+act_1', { role: 'EMPLOYEE', assets: [A1] }],
  ['EMPLOYEE+act_1+page', { role: 'EMPLOYEE', assets: [A1, P1] }]
]

function observedCases (): Array<[string, ObservedAccess]> {
  const out: Array<[string, ObservedAccess]> = []
  for (const state of ['none', 'removed', 'skipped', 'failed'] as PersonState[]) {
    out.push([`absent/${state}`, { inviteId: null, businessUserId: null, role: null, assets: [], state }])
  }
  for (const role of [...ROLES, null]) {
    out.push([`invited/${role}`, { inviteId: 'R9', businessUserId: null, role, assets: [], state: 'invited' }])
    for (const [name, assets] of [['no assets', []], ['act_1', [A1]], ['act_1 less', [A1_LESS]], ['page', [P1]]] as Array<[string, AssetAccess[]]>) {
      out.push([`member/${role}/${name}`, { inviteId: null, businessUserId: 'U9', role, assets, state: 'member' }])
      out.push([`failed member/${role}/${name}`, { inviteId: null, businessUserId: 'U9', role, assets, state: 'failed' }])
    }
  }
  return out
}

const kinds = (steps: Step[]) => steps.map((s) => s.kind === 'skip' ? `skip:${s.action}` : s.kind)

t.test('every desired × observed × mode combination converges and is idempotent', async (t) => {
  let cases = 0
  for (const mode of ['facebook_profiles', 'work_accounts'] as IdentityMode[]) {
    for (const [dName, desired] of desiredCases) {
      for (const [oName, observed] of observedCases()) {
        for (const email of ['ada@example.com', null]) {
          cases++
          const input: PlanInput = { desired, observed, mode, email, inviteType: 'FB' }
          const first = plan(input)
          const after = simulate(observed, first.steps)
          const again = plan({ ...input, observed: after })
          const label = `${mode} ${dName} ← ${oName} email=${email ?? 'none'}`
          const presence = presenceOf(after)
          if (mode === 'work_accounts') {
            if (first.steps.some((s) => s.kind === 'invite' || s.kind === 'cancel_invite' || s.kind === 'remove')) t.fail(`${label}: Work Accounts never invites or removes`)
            if (presence !== presenceOf(observed)) t.fail(`${label}: presence changed in Work Accounts mode`)
          } else if (desired.role === null) {
            if (presence !== 'absent') t.fail(`${label}: still present after removal`)
          } else if (email !== null || presenceOf(observed) !== 'absent') {
            if (presence === 'absent') t.fail(`${label}: not invited`)
          }
          if (desired.role !== null && presence !== 'absent' && after.role !== desired.role) t.fail(`${label}: role ${after.role} ≠ ${desired.role}`)
          if (presence === 'member') {
            const want = desired.role === null ? [] : desired.assets
            if (!sameAssets(after.assets, want)) t.fail(`${label}: assets differ after the plan`)
          }
          if (presenceOf(observed) !== 'member' && first.steps.some((s) => s.kind === 'assign' || s.kind === 'unassign')) t.fail(`${label}: asset step before membership`)
          if (again.steps.some(callsMeta)) t.fail(`${label}: not idempotent: ${kinds(again.steps).join(',')}`)
        }
      }
    }
  }
  t.equal(cases, 2 * desiredCases.length * observedCases().length * 2)
  t.pass(`${cases} combinations`)
})

t.test('the lifecycle table, facebook_profiles', async (t) => {
  const absent: ObservedAccess = { inviteId: null, businessUserId: null, role: null, assets: [], state: 'none' }
  const invited: ObservedAccess = { ...absent, inviteId: 'R1', role: 'EMPLOYEE', state: 'invited' }
  const member: ObservedAccess = { ...absent, businessUserId: 'U1', role: 'EMPLOYEE', assets: [A1], state: 'member' }
  const fb = (desired: DesiredAccess, observed: ObservedAccess, email: string | null = 'ada@example.com') =>
    plan({ desired, observed, mode: 'facebook_profiles', email, inviteType: 'MWA' })
  const create = fb({ role: 'EMPLOYEE', assets: [A1] }, absent)
  t.same(create.steps, [{ kind: 'invite', email: 'ada@example.com', role: 'EMPLOYEE', inviteType: 'MWA' }], 'create invites with the role and the tenant invite type')
  t.same(create.waitingAssets, [A1], 'assets wait for acceptance')
  t.same(fb({ role: 'ADMIN', assets: [] }, invited).steps, [{ kind: 'change_invite_role', inviteId: 'R1', from: 'EMPLOYEE', to: 'ADMIN' }], 'raised on the invite')
  t.same(fb({ role: 'ADMIN', assets: [A1] }, member).steps, [{ kind: 'change_role', businessUserId: 'U1', from: 'EMPLOYEE', to: 'ADMIN' }], 'raised on the member')
  t.same(fb({ role: 'EMPLOYEE', assets: [A1, P1] }, { ...member, assets: [A1_LESS] }).steps, [
    { kind: 'assign', businessUserId: 'U1', asset: A1, previous: ['ANALYZE'] },
    { kind: 'assign', businessUserId: 'U1', asset: P1, previous: null }
  ], 'assets set once a member')
  t.same(fb({ role: 'EMPLOYEE', assets: [] }, member).steps, [{ kind: 'unassign', businessUserId: 'U1', assetType: 'ad_account', assetId: 'act_1' }])
  t.same(fb({ role: null, assets: [] }, invited).steps, [{ kind: 'cancel_invite', inviteId: 'R1' }], 'deactivated: invite cancelled')
  t.same(fb({ role: null, assets: [] }, member).steps, [{ kind: 'remove', businessUserId: 'U1' }], 'deactivated: member removed')
  t.same(fb({ role: 'EMPLOYEE', assets: [] }, { ...absent, state: 'removed' }).steps.map((s) => s.kind), ['invite'], 'reactivated: invited again')
  t.same(fb({ role: 'EMPLOYEE', assets: [] }, absent, null).steps.map((s) => s.kind), ['blocked'], 'no email: blocked, not invited')
  t.same(fb({ role: null, assets: [] }, absent).steps, [], 'nothing to remove')
})

t.test('the lifecycle table, work_accounts', async (t) => {
  const absent: ObservedAccess = { inviteId: null, businessUserId: null, role: null, assets: [], state: 'none' }
  const wa = (desired: DesiredAccess, observed: ObservedAccess) => plan({ desired, observed, mode: 'work_accounts', email: 'ada@example.com', inviteType: 'FB' })
  t.same(kinds(wa({ role: 'EMPLOYEE', assets: [] }, absent).steps), ['skip:invite'])
  t.same(kinds(wa({ role: null, assets: [] }, { ...absent, state: 'skipped' }).steps), ['skip:remove'], 'deactivating a skipped person records a skip')
  const member: ObservedAccess = { ...absent, businessUserId: 'U1', role: 'EMPLOYEE', assets: [A1], state: 'member' }
  t.same(kinds(wa({ role: 'ADMIN', assets: [P1] }, member).steps), ['change_role', 'assign', 'unassign'], 'a matched member gets role and assets')
  t.same(kinds(wa({ role: null, assets: [] }, member).steps), ['unassign', 'skip:remove'], 'deactivated member keeps membership, loses managed assets')
  t.same(kinds(wa({ role: null, assets: [] }, { ...absent, inviteId: 'R', state: 'invited' }).steps), ['skip:cancel_invite'])
})

t.test('removals are what a brake may hold', async (t) => {
  t.ok(isRemoval({ kind: 'remove', businessUserId: 'U' }))
  t.ok(isRemoval({ kind: 'cancel_invite', inviteId: 'R' }))
  t.ok(isRemoval({ kind: 'change_role', businessUserId: 'U', from: 'ADMIN', to: 'EMPLOYEE' }))
  t.notOk(isRemoval({ kind: 'change_role', businessUserId: 'U', from: 'EMPLOYEE', to: 'ADMIN' }))
  t.notOk(isRemoval({ kind: 'invite', email: 'a@b.c', role: 'EMPLOYEE', inviteType: 'FB' }))
  t.notOk(isRemoval({ kind: 'unassign', businessUserId: 'U', assetType: 'page', assetId: '1' }))
})

const roleArb = fc.constantFrom<BusinessRole | null>(null, 'ADMIN', 'EMPLOYEE', 'DEVELOPER')
const assetArb = fc.record({
  assetType: fc.constantFrom('ad_account' as const, 'page' as const),
  assetId: fc.constantFrom('act_1', 'act_2', '10'),
  tasks: fc.uniqueArray(fc.constantFrom('ANALYZE', 'ADVERTISE', 'MANAGE'), { minLength: 1 }).map((x) => x.sort())
})
const assetsArb = fc.uniqueArray(assetArb, { selector: (a) => `${a.assetType}:${a.assetId}`, maxLength: 3 })
const observedArb = fc.record({
  inviteId: fc.option(fc.constant('R'), { nil: null }),
  businessUserId: fc.option(fc.constant('U'), { nil: null }),
  role: roleArb,
  assets: assetsArb,
  state: fc.constantFrom<PersonState>('none', 'invited', 'member', 'removed', 'skipped', 'failed')
}).map((o): ObservedAccess => ({ ...o, assets: o.businessUserId === null ? [] : o.assets }))

t.test('property: one plan reaches the desired state in facebook_profiles mode, and a second finds nothing', async (t) => {
  fc.assert(fc.property(roleArb, assetsArb, observedArb, (role, assets, observed) => {
    const desired = { role, assets: role === null ? [] : assets }
    const input: PlanInput = { desired, observed, mode: 'facebook_profiles', email: 'x@example.com', inviteType: 'FB' }
    const after = simulate(observed, plan(input).steps)
    if (role === null) return presenceOf(after) === 'absent'
    if (after.role !== role || presenceOf(after) === 'absent') return false
    if (presenceOf(after) === 'member' && !sameAssets(after.assets, desired.assets)) return false
    return plan({ ...input, observed: after }).steps.length === 0
  }), { numRuns: 500 })
  t.pass('500 random cases')
})

t.test('a grant is in place when Meta reports what was asked for, unpacked; only unexplained extras narrow', async (t) => {
  const member: ObservedAccess = { inviteId: null, businessUserId: 'U1', role: 'EMPLOYEE', assets: [], state: 'member' }
  const ad = (tasks: string[], narrowed?: string[]): AssetAccess => ({ assetType: 'ad_account', assetId: 'act_1', tasks, ...(narrowed === undefined ? {} : { narrowed }) })
  const steps = (want: string[], have: AssetAccess) =>
    plan({ desired: { role: 'EMPLOYEE', assets: [ad(want)] }, observed: { ...member, assets: [have] }, mode: 'facebook_profiles', email: 'a@b.c', inviteType: 'FB' }).steps
  t.same(steps(['ADVERTISE', 'ANALYZE'], ad(['ADVERTISE', 'ANALYZE', 'DRAFT'])), [], 'ADVERTISE, ANALYZE read back with DRAFT is in place')
  t.same(steps(['ADVERTISE', 'ANALYZE', 'MANAGE'], ad(['ADVERTISE', 'ANALYZE', 'DRAFT', 'MANAGE'])), [], 'MANAGE, ADVERTISE, ANALYZE with DRAFT too')
  t.same(steps(['ANALYZE'], ad(['ANALYZE', 'DRAFT', 'ADVERTISE'])), [{ kind: 'assign', businessUserId: 'U1', asset: ad(['ANALYZE']), previous: ['ANALYZE', 'DRAFT', 'ADVERTISE'] }], 'ADVERTISE is not unpacked from ANALYZE: narrowed')
  t.same(steps(['ADVERTISE', 'ANALYZE'], ad(['ANALYZE', 'DRAFT'])).map((s) => s.kind), ['assign'], 'a desired task missing: granted')
  t.same(steps(['ANALYZE'], ad(['ANALYZE', 'ADVERTISE', 'DRAFT'], ['ADVERTISE', 'DRAFT'])), [], 'a narrowing Meta did not take: not sent again')
  t.same(steps(['ANALYZE'], ad(['ANALYZE', 'MANAGE'], ['ADVERTISE'])).map((s) => s.kind), ['assign'], 'a new extra narrows again')
  t.same(taskGap('instagram_account', ['ADVERTISE'], ['ADVERTISE', 'ANALYZE', 'CONTENT', 'MESSAGES', 'COMMUNITY_ACTIVITY']), { missing: [], extra: [] }, 'Instagram ADVERTISE unpacks to five tasks')
  t.same(taskGap('instagram_account', ['ANALYZE'], ['ANALYZE', 'FULL_CONTROL']), { missing: [], extra: ['FULL_CONTROL'] }, 'an unknown name read back is an extra, compared as a string')
})
