import t from 'tap'
import type { CapturedRequest } from '../../src/request-log/entry.js'
import { MAX_BODY_BYTES, toLoggedRequest } from '../../src/request-log/logged-request.js'
import { createMasker, MASK, RawJson } from '../../src/request-log/mask.js'
import { requestLogApp, userBody } from './helpers.js'

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'

// The capture keeps a request's facts as they came (unmasked); the writer describes and masks
// them. These tests feed the writer's step captured requests directly.
const captured = (facts: Partial<CapturedRequest>): CapturedRequest => ({
  tenantId: 't',
  atMs: Date.parse('2026-06-01T12:00:00Z'),
  requestId: 'r1',
  tokenId: 'tok',
  userAgent: 'Okta SCIM Client 1.0.0',
  method: 'GET',
  url: '/scim/v2/Users',
  route: '/Users',
  id: undefined,
  filter: undefined,
  requestBody: undefined,
  requestBytes: 0,
  responseText: undefined,
  responseSummary: undefined,
  status: 200,
  durationMs: 2.5,
  ...facts
})

t.test('the writer masks bodies, PATCH values and filters the capture kept unmasked', async (t) => {
  const masker = createMasker(['employeeNumber'])
  const body = userBody('ada@example.com', { password: 'Hunter2-secret-pw', [ENTERPRISE]: { employeeNumber: 'EMP-1' } })
  const created = toLoggedRequest(captured({
    method: 'POST',
    requestBody: body,
    requestBytes: JSON.stringify(body).length,
    responseText: JSON.stringify({ id: 'u-1', userName: 'ada@example.com', [ENTERPRISE]: { employeeNumber: 'EMP-1' } }),
    status: 201
  }), masker)
  const stored = JSON.stringify(created)
  t.notOk(stored.includes('Hunter2-secret-pw'), 'the password is masked')
  t.notOk(stored.includes('EMP-1'), 'a configured attribute is masked, in the request and in the answer')
  t.equal((created.requestBody as Record<string, unknown>).password, MASK)
  t.equal((body as Record<string, unknown>).password, 'Hunter2-secret-pw', 'the request body itself is not changed')
  t.match(created, { action: 'create_user', targetType: 'User', targetId: 'u-1', targetName: 'ada@example.com', tokenId: 'tok', idp: 'okta' })
  t.equal(created.at.toISOString(), '2026-06-01T12:00:00.000Z')

  const patched = toLoggedRequest(captured({
    method: 'PATCH',
    url: '/scim/v2/Users/u-1',
    route: '/Users/:id',
    id: 'u-1',
    requestBody: { Operations: [{ op: 'replace', path: 'password', value: 'Another-pw' }] },
    requestBytes: 80
  }), masker)
  t.same((patched.requestBody as { Operations: Array<{ value: unknown }> }).Operations.map((o) => o.value), [MASK])
  t.match(patched, { action: 'update_user', targetId: 'u-1', targetName: undefined })

  const filtered = toLoggedRequest(captured({
    url: `/scim/v2/Users?filter=${encodeURIComponent('employeeNumber eq "EMP-9"')}&count=5`,
    filter: 'employeeNumber eq "EMP-9"',
    responseSummary: { totalResults: 1 }
  }), masker)
  t.equal(filtered.path, '/scim/v2/Users')
  t.notMatch(filtered.query ?? '', /EMP-9/, 'a filter on a masked attribute is masked')
  t.match(filtered, { action: 'filter_users', summary: 'filter users by employeeNumber', responseBody: { totalResults: 1 } })
})

t.test('the writer keeps sizes of large bodies, clean answers as they are, and the error\'s scimType', async (t) => {
  const masker = createMasker([])
  const big = toLoggedRequest(captured({
    method: 'PUT',
    url: '/scim/v2/Groups/g-1',
    route: '/Groups/:id',
    id: 'g-1',
    requestBody: { displayName: 'Ads', members: [] },
    requestBytes: MAX_BODY_BYTES + 1,
    responseText: 'x'.repeat(MAX_BODY_BYTES + 1)
  }), masker)
  t.same(big.requestBody, { omitted: true, bytes: MAX_BODY_BYTES + 1 })
  t.same(big.responseBody, { omitted: true, bytes: MAX_BODY_BYTES + 1 })
  const clean = toLoggedRequest(captured({ method: 'DELETE', route: '/Users/:id', id: 'u', responseText: '{"ok":true}' }), masker)
  t.ok(clean.responseBody instanceof RawJson, 'an answer with nothing to mask is stored without a parse')
  const invalid = toLoggedRequest(captured({
    filter: 'userName zz "x"',
    responseText: JSON.stringify({ status: '400', scimType: 'invalidFilter', detail: 'bad' }),
    status: 400
  }), masker)
  t.equal(invalid.scimType, 'invalidFilter')
  t.equal(toLoggedRequest(captured({ status: 200 }), masker).scimType, undefined)
})

t.test('a full batch is written without waiting for the timer', async (t) => {
  const h = await requestLogApp(t, { batchSize: 2 })
  const a = await h.addTenant('acme')
  h.log.start()
  await h.scim(a.headers, 'POST', '/Users', userBody('ada@example.com', { password: 'Hunter2-secret-pw' }))
  t.equal(h.log.pending, 1, 'one request waits for the batch')
  await h.scim(a.headers, 'GET', '/Users')
  for (let i = 0; i < 200 && h.log.pending > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(h.log.pending, 0, 'taken by the writer at once, the timer being an hour away')
  await h.log.flush()
  const rows = await h.db.selectFrom('scim_requests').select(['action', 'token_label', 'request_body']).orderBy('id').execute()
  t.same(rows.map((r) => r.action), ['create_user', 'list_users'])
  t.same(rows.map((r) => r.token_label), ['okta-prod', 'okta-prod'], 'the token named by its id')
  t.equal((rows[0]?.request_body as Record<string, unknown>).password, MASK, 'masked on the way to the table')
})

t.test('bodies and names with quotes, backslashes, braces and non-Latin text are stored exactly', async (t) => {
  const h = await requestLogApp(t)
  const a = await h.addTenant('acme')
  const name = 'o"brien\\{x},[y]@例え.example'
  const created = await h.scim(a.headers, 'POST', '/Users', userBody(name, { displayName: 'Zoë "Z" \\ Ünal 🙂' }))
  t.equal(created.statusCode, 201)
  await h.log.flush()
  const row = await h.db.selectFrom('scim_requests').select(['target_name', 'request_body', 'response_body', 'summary'])
    .executeTakeFirstOrThrow()
  t.equal(row.target_name, name)
  t.match(row.summary, name, 'the summary names the user as sent')
  t.equal((row.request_body as Record<string, unknown>).displayName, 'Zoë "Z" \\ Ünal 🙂')
  t.same(row.response_body, created.json(), 'the answer stored as sent')
})
