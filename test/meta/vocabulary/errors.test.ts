import t from 'tap'
import { createMetaClient } from '../../../src/meta/client.js'
import { MetaGovernor } from '../../../src/meta/governor/governor.js'
import { API_VERSION, setup } from '../helpers/harness.js'

// Expected classes copied from the reference table (meta-graph-api.md §4.2 / §4.3), written out
// here rather than read from the client's table so a wrong row in the client fails the test.
const ROWS: Array<[code: number, subcode: number | undefined, expected: string]> = [
  [1, undefined, 'transient'],
  [2, undefined, 'transient'],
  [3, undefined, 'permission'],
  [4, undefined, 'rate_limited'],
  [10, undefined, 'permission'],
  [17, undefined, 'rate_limited'],
  [17, 2446079, 'rate_limited'],
  [32, undefined, 'rate_limited'],
  [100, undefined, 'invalid_request'],
  [100, 1752129, 'business_rule'],
  [100, 1752100, 'invalid_request'],
  [100, 33, 'not_found'],
  [102, undefined, 'auth'],
  [104, undefined, 'auth'],
  [190, undefined, 'auth'],
  [190, 458, 'auth'],
  [190, 459, 'auth'],
  [190, 460, 'auth'],
  [190, 463, 'auth'],
  [190, 464, 'auth'],
  [190, 467, 'auth'],
  [190, 492, 'auth'],
  [200, undefined, 'permission'],
  [230, undefined, 'permission'],
  [299, undefined, 'permission'],
  [341, undefined, 'rate_limited'],
  [368, undefined, 'rate_limited'],
  [370, undefined, 'invalid_request'],
  [415, undefined, 'permission'],
  [452, undefined, 'auth'],
  [457, undefined, 'auth'],
  [506, undefined, 'invalid_request'],
  [613, undefined, 'rate_limited'],
  [613, 1996, 'rate_limited'],
  [803, undefined, 'not_found'],
  [2620, undefined, 'invalid_request'],
  [3914, undefined, 'business_rule'],
  [3919, undefined, 'transient'],
  [3962, undefined, 'invalid_request'],
  [80000, 2446079, 'rate_limited'],
  [80001, undefined, 'rate_limited'],
  [80002, undefined, 'rate_limited'],
  [80003, 2446079, 'rate_limited'],
  [80004, 2446079, 'rate_limited'],
  [80005, undefined, 'rate_limited'],
  [80006, undefined, 'rate_limited'],
  [80008, undefined, 'rate_limited'],
  [80009, undefined, 'rate_limited'],
  [80014, undefined, 'rate_limited'],
  [9999, undefined, 'unexpected']
]

t.test('every row of the error table, through the simulator', async t => {
  const { sim, url, seeded, businessId } = await setup(t)
  for (const [code, subcode, expected] of ROWS) {
    // A fresh governor per row: rate-limit rows pause buckets.
    const client = createMetaClient({
      graphUrl: url,
      apiVersion: API_VERSION,
      accessToken: seeded.token,
      businessId,
      timeoutMs: 5000,
      governor: new MetaGovernor({ random: () => 0 }),
      random: () => 0,
      retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 }
    })
    sim.faults.clear()
    sim.faults.add({ route: 'business_users.list', times: 3, error: { code, error_subcode: subcode, message: `boom ${code}` } })
    const before = sim.calls.lastSeq
    const err = await client.listBusinessUsers().catch((e: unknown) => e)
    const label = `${code}${subcode === undefined ? '' : `/${subcode}`}`
    t.match(err, {
      name: 'MetaApiError',
      source: 'graph',
      errorClass: expected,
      code,
      subcode: subcode ?? null,
      message: `boom ${code}`,
      endpoint: `GET /${API_VERSION}/${businessId}/business_users`
    }, `${label} → ${expected}`)
    const calls = sim.calls.list({ since: before }).length
    t.equal(calls, expected === 'transient' ? 3 : 1, `${label}: ${expected === 'transient' ? 'retried twice' : 'not retried'}`)
  }
})

t.test('the error carries type, is_transient, fbtrace_id, user texts and HTTP status', async t => {
  const { client, sim } = await setup(t, { client: { retry: { retries: 0 } } })
  sim.faults.add({
    route: 'business_users.list',
    status: 503,
    error: { code: 2, type: 'OAuthException', message: 'Service temporarily unavailable', is_transient: true, error_user_title: 'T', error_user_msg: 'M' }
  })
  const err = await client.listBusinessUsers().catch((e: unknown) => e) as Record<string, unknown>
  t.match(err, { code: 2, type: 'OAuthException', isTransient: true, httpStatus: 503, userTitle: 'T', userMessage: 'M' })
  t.match(err.fbtraceId, /^[\w-]{6,}$/)
  const json = JSON.stringify(err)
  t.notMatch(json, /SIM/, 'no token in the serialized error')
})

t.test('classification follows the body, not the HTTP status', async t => {
  const { client, sim } = await setup(t, { client: { retry: { retries: 0 } } })
  const cases: Array<[Parameters<typeof sim.faults.add>[0], Record<string, unknown>]> = [
    [{ route: '*', status: 500, error: { code: 3914 } }, { errorClass: 'business_rule', httpStatus: 500 }],
    [{ route: '*', status: 200, error: { code: 190, error_subcode: 463 } }, { errorClass: 'auth', httpStatus: 200 }],
    [{ route: '*', status: 400, error: { code: 1 } }, { errorClass: 'transient' }],
    [{ route: '*', error: { code: 100, is_transient: true } }, { errorClass: 'transient', isTransient: true }],
    [{ route: '*', error: { code: 190, is_transient: true } }, { errorClass: 'auth' }],
    [{ route: '*', status: 200, body: { success: false } }, { errorClass: 'transient', source: 'response' }],
    [{ route: '*', status: 502, body: '<html>bad gateway</html>' }, { errorClass: 'transient', source: 'response', httpStatus: 502 }],
    [{ route: '*', status: 404, body: { nope: true } }, { errorClass: 'unexpected', source: 'response' }],
    [{ route: '*', status: 200, body: { data: [{ name: 'no id' }] } }, { errorClass: 'unexpected', source: 'response', message: /expected shape/ }]
  ]
  for (const [fault, expected] of cases) {
    sim.faults.clear()
    sim.faults.add(fault)
    const err = await client.listBusinessUsers().catch((e: unknown) => e)
    t.match(err, { name: 'MetaApiError', ...expected }, JSON.stringify(fault))
  }
})

t.test('simulator-made errors are classified too', async t => {
  const { client, sim, url, businessId } = await setup(t, { client: { retry: { retries: 0 } } })
  const make = (accessToken: string) => createMetaClient({
    graphUrl: url, apiVersion: API_VERSION, accessToken, businessId, timeoutMs: 5000, governor: new MetaGovernor()
  })
  t.match(await make('not-a-token').listBusinessUsers().catch((e: unknown) => e), { code: 190, errorClass: 'auth' })
  const expired = sim.addToken({ businessId, appId: [...sim.store.apps.keys()][0]!, actor: { kind: 'system_user', id: 'x' }, role: 'ADMIN', expiresAt: sim.now() - 1 })
  t.match(await make(expired).listBusinessUsers().catch((e: unknown) => e), { code: 190, subcode: 463, errorClass: 'auth' })
  t.match(await client.getBusinessUser('424242').catch((e: unknown) => e), { code: 100, subcode: 33, errorClass: 'not_found' })
  const other = sim.seedBusiness({ claimApp: false })
  const foreign = createMetaClient({ graphUrl: url, apiVersion: API_VERSION, accessToken: other.token, businessId: other.business.id, timeoutMs: 5000, governor: new MetaGovernor() })
  t.match(await foreign.listBusinessUsers().catch((e: unknown) => e), { code: 200, errorClass: 'permission', httpStatus: 403 })
  const wrongVersion = createMetaClient({ graphUrl: url, apiVersion: 'v2.0', accessToken: other.token, businessId, timeoutMs: 5000, governor: new MetaGovernor() })
  t.match(await wrongVersion.listBusinessUsers().catch((e: unknown) => e), { code: 2635, errorClass: 'invalid_request' })
})
