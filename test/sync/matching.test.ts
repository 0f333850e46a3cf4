import t from 'tap'
import { matchKeys, matchPeople } from '../../src/sync/matching.js'
import type { MetaPerson, ScimIdentity } from '../../src/sync/snapshot-types.js'

const person = (kind: MetaPerson['kind'], metaId: string, email: string | null, extra: Partial<MetaPerson> = {}): MetaPerson => ({
  kind,
  metaId,
  email,
  name: null,
  role: 'EMPLOYEE',
  tasks: [],
  financePermission: null,
  ipPermission: null,
  inviteStatus: kind === 'invite' ? 'PENDING' : null,
  invitedUserType: [],
  workAccount: false,
  markedForRemoval: false,
  invitedAt: null,
  expiresAt: null,
  ...extra
})
const user = (id: string, userName: string, emails: string[] = []): ScimIdentity => ({ id, userName, active: true, emails })

t.test('match keys: primary email, other emails, then userName when it is an email', async (t) => {
  t.same([...matchKeys(user('u', 'Ada@Corp.example', ['ADA.L@corp.example', 'ada@home.example']))], [
    ['ada.l@corp.example', 0], ['ada@home.example', 1], ['ada@corp.example', 2]
  ])
  t.same([...matchKeys(user('u', 'ada', []))], [], 'a userName that is not an email is no key')
})

t.test('people match users by email whatever the case; system users never match', async (t) => {
  const users = [user('u1', 'ada@corp.example'), user('u2', 'bob', ['Bob@Corp.Example']), user('u3', 'cy@corp.example', ['cy@home.example', 'CY2@corp.example'])]
  const { people } = matchPeople(users, [
    person('member', 'm1', 'ADA@corp.example'),
    person('invite', 'r1', 'bob@corp.example'),
    person('member', 'm3', 'cy2@corp.example'),
    person('member', 'm4', 'stranger@corp.example'),
    person('system_user', 's1', null)
  ])
  t.same(people.map((p) => [p.metaId, p.matchedUserId, p.primaryMatch]), [
    ['m1', 'u1', true], ['r1', 'u2', true], ['m3', 'u3', true], ['m4', null, false], ['s1', null, false]
  ])
})

t.test('a Work Account member wins over a personal profile of the same user, a member over an invite', async (t) => {
  const users = [user('u1', 'ada@corp.example'), user('u2', 'bob@corp.example')]
  const { people } = matchPeople(users, [
    person('member', 'fb', 'ada@corp.example'),
    person('member', 'mwa', 'Ada@Corp.example', { workAccount: true }),
    person('invite', 'r2', 'bob@corp.example'),
    person('member', 'm2', 'bob@corp.example')
  ])
  const primary = Object.fromEntries(people.filter((p) => p.primaryMatch).map((p) => [p.matchedUserId, p.metaId]))
  t.same(primary, { u1: 'mwa', u2: 'm2' })
  t.equal(people.filter((p) => p.matchedUserId !== null).length, 4, 'the other identities still belong to their user')
})

t.test('an email two users claim equally is ambiguous and matches nobody; a stronger claim wins', async (t) => {
  const users = [user('u1', 'x', ['shared@corp.example']), user('u2', 'y', ['shared@corp.example']), user('u3', 'z', ['own@corp.example', 'team@corp.example']), user('u4', 'team@corp.example')]
  const outcome = matchPeople(users, [person('member', 'm1', 'shared@corp.example'), person('member', 'm2', 'team@corp.example')])
  t.equal(outcome.people[0]?.matchedUserId, null)
  t.same(outcome.ambiguousEmails, ['shared@corp.example'])
  t.equal(outcome.people[1]?.matchedUserId, 'u3', 'a secondary email outranks a userName')
})
