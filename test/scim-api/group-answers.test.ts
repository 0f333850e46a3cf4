import t from 'tap'
import { MEMBER_PAGING_URN } from '../../src/scim/schemas/group-members-extension.js'
import { scimTestApp } from './helpers.js'

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
const CAP = 5

async function setup (t: Parameters<typeof scimTestApp>[0]) {
  const app = await scimTestApp(t, { env: { SCIM_MAX_MEMBERS_PER_RESPONSE: String(CAP) } })
  const { send } = app
  const users: string[] = []
  for (let i = 0; i < 12; i++) users.push((await send('POST', '/scim/v2/Users', { schemas: [USER], userName: `u${i}` })).body.id as string)
  const group = async (name: string, members: string[]) =>
    (await send('POST', '/scim/v2/Groups', { displayName: name, members: members.map((value) => ({ value })) })).body.id as string
  const big = await group('big', users.slice(0, 7))
  const three = await group('three', users.slice(7, 10))
  const two = await group('two', users.slice(9, 12))
  const none = await group('none', [])
  return { ...app, users, big, three, two, none }
}

const memberCount = (resources: Array<{ members?: unknown[] }>): number => resources.reduce((n, g) => n + (g.members?.length ?? 0), 0)

t.test('one group answer carries at most the cap of members and says how to read the rest', async (t) => {
  const { send, big, three, users } = await setup(t)
  const res = await send('GET', `/scim/v2/Groups/${big}`)
  t.equal(res.status, 200)
  t.equal(res.body.members.length, CAP, 'the first members only')
  // Added in one request, so in the order of their ids.
  t.same(res.body.members.map((m: { value: string }) => m.value), users.slice(0, 7).sort().slice(0, CAP), 'the first ones')
  t.same(res.body[MEMBER_PAGING_URN], { totalMembers: 7, membersReturned: CAP, membersFilter: `groups.value eq "${big}"` })
  t.ok(res.body.schemas.includes(MEMBER_PAGING_URN), 'the extension is named in schemas')

  const small = await send('GET', `/scim/v2/Groups/${three}`)
  t.equal(small.body.members.length, 3)
  t.equal(small.body[MEMBER_PAGING_URN], undefined, 'no block when every member is there')
  t.same(small.body.schemas, ['urn:ietf:params:scim:schemas:core:2.0:Group'])

  // The documented way to the rest: every member, paged like any user list.
  const filter = encodeURIComponent(res.body[MEMBER_PAGING_URN].membersFilter as string)
  const page1 = await send('GET', `/scim/v2/Users?filter=${filter}&count=4&sortBy=userName`)
  const page2 = await send('GET', `/scim/v2/Users?filter=${filter}&count=4&startIndex=5&sortBy=userName`)
  t.equal(page1.body.totalResults, 7)
  const all = [...page1.body.Resources, ...page2.body.Resources].map((u: { id: string }) => u.id).sort()
  t.same(all, users.slice(0, 7).sort(), 'paging the filter yields every member')

  const patched = await send('PATCH', `/scim/v2/Groups/${big}?attributes=members`, {
    schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: users[11] }] }]
  })
  t.equal(patched.status, 200)
  t.equal(patched.body.members.length, CAP, 'a write answer too')
  t.equal(patched.body[MEMBER_PAGING_URN].totalMembers, 8)
  const excluded = await send('GET', `/scim/v2/Groups/${big}?excludedAttributes=members`)
  t.equal(excluded.body.members, undefined)
  t.equal(excluded.body[MEMBER_PAGING_URN], undefined, 'no members asked for, no block')
})

t.test('a list of groups keeps its members within the cap by ending the page early', async (t) => {
  const { send, big, three, two, none } = await setup(t)
  const first = await send('GET', '/scim/v2/Groups?sortBy=displayName')
  // Sorted: big (7), none (0), three (3), two (3).
  // A first group over the cap spends the whole budget; an empty group costs nothing.
  t.same(first.body.Resources.map((g: { id: string }) => g.id), [big, none], 'the page ends at the first group with members that no longer fits')
  t.match(first.body, { totalResults: 4, itemsPerPage: 2, startIndex: 1 })
  t.equal(first.body.Resources[0][MEMBER_PAGING_URN].totalMembers, 7)
  const second = await send('GET', '/scim/v2/Groups?sortBy=displayName&startIndex=3')
  t.same(second.body.Resources.map((g: { id: string }) => g.id), [three], '3 + 3 members do not fit in 5')
  t.equal(second.body.itemsPerPage, 1)
  const third = await send('GET', '/scim/v2/Groups?sortBy=displayName&startIndex=4')
  t.same(third.body.Resources.map((g: { id: string }) => g.id), [two])
  for (const page of [first, second, third]) t.ok(memberCount(page.body.Resources) <= CAP, 'never more than the cap')

  const search = await send('POST', '/scim/v2/.search', { filter: 'displayName pr' })
  t.ok(memberCount(search.body.Resources.filter((r: { schemas: string[] }) => !r.schemas.includes(USER))) <= CAP, 'root search too')
  const withoutMembers = await send('GET', '/scim/v2/Groups?excludedAttributes=members')
  t.equal(withoutMembers.body.itemsPerPage, 4, 'without members a page is never shortened')
})

t.test('discovery documents the member-paging extension', async (t) => {
  const { send } = await scimTestApp(t)
  const type = (await send('GET', '/scim/v2/ResourceTypes/Group')).body
  t.match(type.schemaExtensions, [{ schema: MEMBER_PAGING_URN, required: false }])
  const schema = (await send('GET', `/scim/v2/Schemas/${MEMBER_PAGING_URN}`)).body
  t.same(schema.attributes.map((a: { name: string }) => a.name), ['totalMembers', 'membersReturned', 'membersFilter'])
  t.ok(schema.attributes.every((a: { mutability: string }) => a.mutability === 'readOnly'))
})
