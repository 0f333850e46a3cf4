import t from 'tap'
import {
  desiredAccess, emailOf, mergeAssets, metaRoleOf, roleFromScimRoles
} from '../../../src/provisioning/engine/desired.js'
import type { AccessRule } from '../../../src/tenants/access-rules.js'

const ad = (id: string, tasks: string[]) => ({ assetType: 'ad_account' as const, assetId: id, tasks })
const rules: AccessRule[] = [
  { groupName: 'Marketing', role: 'EMPLOYEE', assets: [ad('act_1', ['ADVERTISE', 'ANALYZE'])], priority: 50 },
  { groupName: 'Meta Admins', role: 'ADMIN', assets: [], priority: 1 },
  { groupName: 'Analysts', role: null, assets: [ad('act_1', ['ANALYZE']), ad('act_2', ['ANALYZE'])], priority: 10 }
]
const active = (groupNames: string[], roles: unknown = undefined) => ({ active: true, roles, groupNames })

t.test('none for inactive or deleted users', async (t) => {
  t.match(desiredAccess(undefined, rules, 'EMPLOYEE'), { role: null, assets: [], why: /deleted/ })
  t.match(desiredAccess({ active: false, roles: [{ value: 'ADMIN' }], groupNames: ['Meta Admins'] }, rules, 'EMPLOYEE'), { role: null, assets: [], why: /inactive/ })
})

t.test('role: SCIM roles attribute, else the best-priority rule, else the default', async (t) => {
  t.match(desiredAccess(active(['Marketing', 'meta admins'], [{ value: 'Finance editor' }]), rules, 'EMPLOYEE'), { role: 'FINANCE_EDITOR', why: /roles attribute/ })
  t.match(desiredAccess(active(['MARKETING', 'meta admins']), rules, 'EMPLOYEE'), { role: 'ADMIN', why: /Meta Admins/ }, 'group names match ignoring case; priority 1 beats 50')
  t.match(desiredAccess(active(['Analysts']), rules, 'DEVELOPER'), { role: 'DEVELOPER', why: /default/ }, 'a rule without a role leaves the role to the default')
  t.match(desiredAccess(active(['Analysts']), rules, null), { role: 'EMPLOYEE' }, 'assets without any role: EMPLOYEE')
  t.match(desiredAccess(active([]), rules, null), { role: null, why: /no rule/ })
  t.match(desiredAccess(active([], [{ value: 'Sales' }, { value: 'admin' }]), rules, null), { role: 'ADMIN' }, 'values that are not Meta roles are ignored')
})

t.test('assets: the union over every matching rule', async (t) => {
  t.same(desiredAccess(active(['Marketing', 'Analysts']), rules, null).assets, [ad('act_1', ['ADVERTISE', 'ANALYZE']), ad('act_2', ['ANALYZE'])])
  t.same(mergeAssets([[ad('b', ['X'])], [ad('a', ['Y']), ad('b', ['W', 'X'])]]), [ad('a', ['Y']), ad('b', ['W', 'X'])], 'sorted, deduplicated')
})

t.test('SCIM roles: the primary value first', async (t) => {
  t.equal(roleFromScimRoles([{ value: 'EMPLOYEE' }, { value: 'ADMIN', primary: true }]), 'ADMIN')
  t.equal(roleFromScimRoles('ADMIN'), null)
  t.equal(metaRoleOf('partner-center admin'), 'PARTNER_CENTER_ADMIN')
})

t.test('the address to invite', async (t) => {
  t.equal(emailOf({ emails: [{ value: 'home@x.org', type: 'home' }, { value: 'work@x.org', type: 'work' }] }, 'u'), 'work@x.org')
  t.equal(emailOf({ emails: [{ value: 'home@x.org', type: 'home' }, { value: 'p@x.org', primary: true }] }, 'u'), 'p@x.org')
  t.equal(emailOf({}, 'ada@example.com'), 'ada@example.com', 'an email-like userName')
  t.equal(emailOf({}, 'ada'), null)
})
