import t from 'tap'
import { describeRequest, filterAttributes } from '../../src/request-log/action.js'
import { idpFromUserAgent } from '../../src/request-log/idp.js'
import { createMasker, MASK, RawJson } from '../../src/request-log/mask.js'

const patch = (route: string, Operations: unknown[]) => describeRequest({ method: 'PATCH', route, id: 'x', filter: undefined, body: { Operations } })

t.test('semantic actions', async (t) => {
  t.match(describeRequest({ method: 'POST', route: '/Users', id: undefined, filter: undefined, body: { userName: 'ada' } }),
    { action: 'create_user', summary: 'create user {target}', targetType: 'User', targetName: 'ada' })
  t.match(describeRequest({ method: 'GET', route: '/Users', id: undefined, filter: 'userName eq "a"', body: undefined }),
    { action: 'filter_users', summary: 'filter users by userName' })
  t.match(describeRequest({ method: 'GET', route: '/Groups', id: undefined, filter: undefined, body: undefined }), { action: 'list_groups' })
  t.match(describeRequest({ method: 'DELETE', route: '/Users/:id', id: 'x', filter: undefined, body: undefined }), { action: 'delete_user' })
  t.match(describeRequest({ method: 'PUT', route: '/Users/:id', id: 'x', filter: undefined, body: { active: false } }), { action: 'deactivate_user' })
  t.match(patch('/Users/:id', [{ op: 'replace', path: 'active', value: 'False' }]), { action: 'deactivate_user' })
  t.match(patch('/Users/:id', [{ op: 'replace', path: 'active', value: true }]), { action: 'reactivate_user' })
  t.match(patch('/Users/:id', [{ op: 'replace', path: 'name.givenName', value: 'A' }]), { action: 'update_user', summary: 'update user {target}: name.givenName' })
  t.match(patch('/Groups/:id', [{ op: 'add', path: 'members', value: [{ value: '1' }, { value: '2' }, { value: '3' }] }]),
    { action: 'add_members', summary: 'add 3 members to group {target}' })
  t.match(patch('/Groups/:id', [{ op: 'Remove', path: 'members[value eq "1"]' }]),
    { action: 'remove_members', summary: 'remove 1 member from group {target}' })
  t.match(patch('/Groups/:id', [{ op: 'replace', path: 'displayName', value: 'New' }]), { action: 'rename_group' })
  t.match(describeRequest({ method: 'GET', route: '/ServiceProviderConfig', id: undefined, filter: undefined, body: undefined }), { action: 'discovery' })
  t.match(describeRequest({ method: 'GET', route: undefined, id: undefined, filter: undefined, body: undefined }), { action: 'other' })
  t.same(filterAttributes('emails[type eq "work"].value eq "a" and urn:ietf:params:scim:schemas:core:2.0:User:userName sw "x"'),
    ['emails.value', 'userName'])
})

t.test('IdP from the user agent', async (t) => {
  t.equal(idpFromUserAgent('Okta SCIM Client 1.0.0'), 'okta')
  t.equal(idpFromUserAgent('Azure Active Directory SCIM Client'), 'entra')
  t.equal(idpFromUserAgent('curl/8.5'), 'other')
  t.equal(idpFromUserAgent(undefined), 'other')
})

t.test('masking', async (t) => {
  const m = createMasker(['employeeNumber', 'phoneNumbers'])
  const masked = m.maskValue({
    userName: 'ada',
    password: 'pw',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '42', department: 'R&D' },
    phoneNumbers: [{ value: '+1 555' }],
    Operations: [
      { op: 'replace', path: 'PASSWORD', value: 'pw2' },
      { op: 'add', path: 'phoneNumbers[type eq "work"].value', value: '+1 556' },
      { op: 'replace', value: { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': '43', displayName: 'A' } }
    ],
    clientSecret: 's',
    access_token: 't'
  }) as Record<string, any>
  t.equal(masked.password, MASK)
  t.equal(masked.userName, 'ada')
  t.same(masked['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'], { employeeNumber: MASK, department: 'R&D' })
  t.equal(masked.phoneNumbers, MASK)
  t.same(masked.Operations.map((o: { value: unknown }) => o.value), [MASK, MASK,
    { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': MASK, displayName: 'A' }])
  t.equal(masked.clientSecret, MASK)
  t.equal(masked.access_token, MASK)
  t.ok(m.maskJsonText('{"userName":"ada"}') instanceof RawJson, 'clean text is not parsed')
  t.same(m.maskJsonText('{"userName":"ada","employeeNumber":"7"}'), { userName: 'ada', employeeNumber: MASK })
  t.equal(m.maskQuery('filter=userName%20eq%20%22ada%22'), 'filter=userName%20eq%20%22ada%22')
  t.notMatch(m.maskQuery('filter=employeeNumber%20eq%20%2242%22'), /42/)
  t.notMatch(m.maskQuery(encodeURIComponent('phoneNumbers[type eq "work"].value eq "+1 555"')), /555/)
})
