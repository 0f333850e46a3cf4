import t from 'tap'
import { scimLimits } from '../../src/scim/limits.js'
import { inputLimits } from '../../src/http/input-guard.js'
import { adminClient, adminEnv } from '../helpers/admin.js'
import { scimTestApp } from './helpers.js'

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error'
const q = (filter: string): string => `/scim/v2/Users?filter=${encodeURIComponent(filter)}`

t.test('NUL characters and lone surrogates anywhere in a SCIM body are 400 invalidValue, nothing stored', async (t) => {
  const { send } = await scimTestApp(t)
  const bodies: Array<[string, string]> = [
    ['NUL in userName', JSON.stringify({ schemas: [USER], userName: 'a\u0000b' })],
    ['NUL in a nested value', JSON.stringify({ schemas: [USER], userName: 'n1', name: { givenName: 'x\u0000' } })],
    ['NUL in an unknown attribute', JSON.stringify({ schemas: [USER], userName: 'n2', whatever: '\u0000' })],
    ['NUL in a key', JSON.stringify({ schemas: [USER], userName: 'n3', 'a\u0000': 1 })],
    ['lone high surrogate', '{"schemas":["' + USER + '"],"userName":"a\\ud800b"}'],
    ['lone low surrogate', '{"schemas":["' + USER + '"],"userName":"n4","title":"\\udc00"}']
  ]
  for (const [name, payload] of bodies) {
    const res = await send('POST', '/scim/v2/Users', payload)
    t.equal(res.status, 400, name)
    t.match(res.body, { schemas: [ERROR], status: '400', scimType: 'invalidValue' }, name)
  }
  t.equal((await send('GET', '/scim/v2/Users')).body.totalResults, 0, 'no user was stored')
  const ok = await send('POST', '/scim/v2/Users', { schemas: [USER], userName: 'pair', title: 'emoji \ud83d\ude00 is a pair' })
  t.equal(ok.status, 201, 'a well-formed surrogate pair is fine')
  const patch = await send('PATCH', `/scim/v2/Users/${ok.body.id as string}`, {
    schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'x\u0000' }]
  })
  t.equal(patch.status, 400, 'a PATCH value too')
  t.equal(patch.body.scimType, 'invalidValue')
  const group = await send('POST', '/scim/v2/Groups', { displayName: 'g\u0000' })
  t.equal(group.status, 400, 'a group name too')
  const byId = await send('GET', '/scim/v2/Users/%00')
  t.equal(byId.status, 400, 'a path parameter too')
  t.equal(byId.body.schemas[0], ERROR)
})

t.test('indexed strings are limited to 512 characters, other strings to 4096, on POST, PUT and PATCH', async (t) => {
  const { send } = await scimTestApp(t)
  const max = scimLimits.indexedStringLength
  // Three UTF-8 bytes per character and a four-byte pair: the index limit holds at the maximum.
  for (const [name, userName] of [['3-byte', '€'.repeat(max)], ['4-byte pairs', '\ud83d\ude00'.repeat(max / 2)], ['ascii', 'a'.repeat(max)]]) {
    const res = await send('POST', '/scim/v2/Users', { schemas: [USER], userName, externalId: userName })
    t.equal(res.status, 201, `${name} userName and externalId of ${max} code units are stored`)
  }
  const tooLong = await send('POST', '/scim/v2/Users', { schemas: [USER], userName: 'b'.repeat(max + 1) })
  t.equal(tooLong.status, 400)
  t.match(tooLong.body, { scimType: 'invalidValue', detail: /userName is longer than 512/ })
  const externalId = await send('POST', '/scim/v2/Users', { schemas: [USER], userName: 'e', externalId: 'x'.repeat(max + 1) })
  t.equal(externalId.status, 400, 'externalId')
  const group = await send('POST', '/scim/v2/Groups', { displayName: 'g'.repeat(max + 1) })
  t.equal(group.status, 400, 'group displayName')

  const title = await send('POST', '/scim/v2/Users', { schemas: [USER], userName: 't', title: 'x'.repeat(scimLimits.stringLength + 1) })
  t.equal(title.status, 400, 'title over the string limit')
  t.match(title.body.detail, /title is longer than 4096/)
  const huge = await send('POST', '/scim/v2/Users', { schemas: [USER], userName: 't', title: 'x'.repeat(1_000_000) })
  t.ok([400, 413].includes(huge.status), `a 1 MB title is refused (${huge.status})`)
  t.equal(huge.body.schemas[0], ERROR)
  const nested = await send('POST', '/scim/v2/Users', { schemas: [USER], userName: 't', name: { givenName: 'x'.repeat(scimLimits.stringLength + 1) } })
  t.equal(nested.status, 400, 'a sub-attribute')

  const user = await send('POST', '/scim/v2/Users', { schemas: [USER], userName: 'grow', title: 'short' })
  t.equal(user.status, 201)
  const id = user.body.id as string
  const grow = await send('PATCH', `/scim/v2/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'y'.repeat(scimLimits.stringLength + 1) }] })
  t.equal(grow.status, 400, 'PATCH cannot grow a value past the limit')
  const put = await send('PUT', `/scim/v2/Users/${id}`, { schemas: [USER], userName: 'u'.repeat(max + 1) })
  t.equal(put.status, 400, 'PUT')
  t.equal((await send('GET', `/scim/v2/Users/${id}`)).body.title, 'short', 'nothing half-written')

  const emails = Array.from({ length: scimLimits.multiValuedCount + 1 }, (_, i) => ({ value: `e${i}@example.com` }))
  const many = await send('POST', '/scim/v2/Users', { schemas: [USER], userName: 'many', emails })
  t.equal(many.status, 400, 'too many values of one attribute')
  t.match(many.body.detail, /emails has more than 256 values/)
})

t.test('startIndex and count are clamped; numbers that are no numbers are invalidValue', async (t) => {
  const { send } = await scimTestApp(t)
  await send('POST', '/scim/v2/Users', { schemas: [USER], userName: 'one' })
  const far = await send('GET', '/scim/v2/Users?startIndex=99999999999999999999999')
  t.equal(far.status, 200, 'beyond bigint')
  t.match(far.body, { totalResults: 1, startIndex: scimLimits.maxStartIndex, Resources: [] })
  const search = await send('POST', '/scim/v2/Users/.search', { startIndex: 1e300, count: 1e300 })
  t.equal(search.status, 200, '.search with huge numbers')
  t.equal(search.body.startIndex, scimLimits.maxStartIndex)
  const negative = await send('GET', '/scim/v2/Users?startIndex=-5&count=-1')
  t.match(negative.body, { startIndex: 1, itemsPerPage: 0, totalResults: 1 })
  const infinite = await send('GET', '/scim/v2/Users?count=1e400')
  t.equal(infinite.status, 400)
  t.equal(infinite.body.scimType, 'invalidValue')
})

t.test('filters are bounded in length, depth, comparisons and membership conditions', async (t) => {
  const { send } = await scimTestApp(t)
  const refused: Array<[string, string, RegExp]> = [
    ['a two-sided not', q('userName pr not (userName pr)'), /not/],
    ['270 nested not (', q(`${'not ('.repeat(270)}userName pr${')'.repeat(270)}`), /nested deeper than 16/],
    ['nested brackets', q(`${'('.repeat(scimLimits.filterDepth + 1)}userName pr${')'.repeat(scimLimits.filterDepth + 1)}`), /nested/],
    ['too long', q(`userName eq "${'a'.repeat(scimLimits.filterLength)}"`), /longer than 4096/],
    ['too many comparisons', q(Array.from({ length: scimLimits.filterTerms + 1 }, (_, i) => `userName eq "u${i}"`).join(' or ')), /more than 50 comparisons/],
    ['4 KB of members.display co', `/scim/v2/Groups?filter=${encodeURIComponent(Array.from({ length: 150 }, (_, i) => `members.display co "m${i}"`).join(' or ').slice(0, 4000).replace(/ or [^"]*("[^"]*)?$/, ''))}`, /more than/],
    ['five membership conditions', `/scim/v2/Groups?filter=${encodeURIComponent(Array.from({ length: 5 }, (_, i) => `members.display co "m${i}"`).join(' or '))}`, /more than 4 conditions on members/],
    ['groups on users', q(Array.from({ length: 5 }, (_, i) => `groups[display sw "g${i}"]`).join(' or ')), /members or groups/]
  ]
  for (const [name, url, detail] of refused) {
    const res = await send('GET', url)
    t.equal(res.status, 400, name)
    t.match(res.body, { schemas: [ERROR], scimType: 'invalidFilter', detail }, name)
  }
  const allowed = [
    q(`${'('.repeat(scimLimits.filterDepth)}userName pr${')'.repeat(scimLimits.filterDepth)}`),
    q(Array.from({ length: scimLimits.filterTerms }, (_, i) => `userName eq "u${i}"`).join(' or ')),
    `/scim/v2/Groups?filter=${encodeURIComponent(Array.from({ length: 4 }, (_, i) => `members.display co "m${i}"`).join(' or '))}`,
    q('userName eq "(((((((((((((((((((((((((((("')
  ]
  for (const url of allowed) t.equal((await send('GET', url)).status, 200, `at the limit: ${decodeURIComponent(url).slice(0, 60)}`)
})

t.test('the admin API refuses NUL, lone surrogates and over-long strings with its JSON error', async (t) => {
  const { app, tenantId } = await scimTestApp(t, { env: adminEnv })
  const admin = adminClient(app)
  const cases = [
    ['token label with NUL', await admin.post(`/tenants/${tenantId}/scim-tokens`, { label: 'a\u0000' })],
    ['token label with a lone surrogate', await app.inject({
      method: 'POST',
      url: `/admin/v1/tenants/${tenantId}/scim-tokens`,
      headers: { authorization: `Bearer ${adminEnv.ADMIN_TOKEN}`, 'content-type': 'application/json' },
      payload: '{"label":"\\udfff"}'
    })],
    ['rule group with NUL', await admin.put(`/tenants/${tenantId}/access-rules`, { rules: [{ group: 'g\u0000', role: 'EMPLOYEE' }] })],
    ['rule group too long for its index', await admin.put(`/tenants/${tenantId}/access-rules`, { rules: [{ group: 'g'.repeat(513), role: 'EMPLOYEE' }] })],
    ['audit filter with NUL', await admin.get(`/tenants/${tenantId}/audit?action=${encodeURIComponent('a\u0000')}`)],
    ['a string over the shared limit', await admin.post('/tenants', { name: 'n'.repeat(inputLimits.stringLength + 1) })]
  ] as const
  for (const [name, res] of cases) {
    t.equal(res.statusCode, 400, name)
    t.match(res.json(), { error: 'invalid_request', status: 400 }, name)
  }
})

t.test('/Schemas states each limit in the attribute description', async (t) => {
  const { send } = await scimTestApp(t)
  const user = (await send('GET', `/scim/v2/Schemas/${USER}`)).body
  const attr = (name: string) => user.attributes.find((a: { name: string }) => a.name === name)
  t.match(attr('userName').description, /at most 512 characters\.$/)
  t.match(attr('title').description, /at most 4096 characters\.$/)
  t.match(attr('emails').description, /at most 256 values\.$/)
  t.match(attr('emails').subAttributes.find((a: { name: string }) => a.name === 'value').description, /at most 4096 characters/)
  t.notMatch(attr('groups').description, /at most/, 'readOnly attributes take no input')
})
