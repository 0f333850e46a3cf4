import t from 'tap'
import { writeAudit } from '../../src/provisioning/records/audit-repository.js'
import { insertLoggedRequests } from '../../src/request-log/scim-requests-repository.js'
import type { LoggedRequest } from '../../src/request-log/entry.js'
import { provisionedAdmin } from '../admin/helpers/provisioned.js'

const at = (iso: string) => new Date(iso)
const captured = (tenantId: string, when: string, idp: 'okta' | 'entra', status: number): LoggedRequest => ({
  tenantId,
  at: at(when),
  requestId: 'r',
  tokenId: undefined,
  idp,
  userAgent: undefined,
  method: 'GET',
  path: '/scim/v2/Users',
  query: undefined,
  action: 'list_users',
  summary: 'list users',
  targetType: undefined,
  targetId: undefined,
  targetName: undefined,
  status,
  scimType: undefined,
  durationMs: 1,
  requestBody: undefined,
  responseBody: undefined
})

t.test('charts: actions per hour, SCIM requests per 5 minutes, the invitation funnel; per tenant', async (t) => {
  const { h, admin, base, otherBase, otherId } = await provisionedAdmin(t)
  const ada = await h.createUser('ada@example.com')
  const bob = await h.createUser('bob@example.com')
  await h.drain()

  // Actions: two events in the 10:00 hour, one at 11:05, outside the range one at 09:59.
  for (const [when, action, outcome] of [['2026-06-01T10:10:00Z', 'remove', 'applied'], ['2026-06-01T10:50:00Z', 'remove', 'failed'],
    ['2026-06-01T11:05:00Z', 'remove', 'applied'], ['2026-06-01T09:59:00Z', 'remove', 'applied']] as const) {
    await writeAudit(h.db, { tenantId: h.tenantId, actor: 'test', userId: ada, action, reason: when, outcome })
    await h.db.updateTable('audit_events').set({ at: at(when) }).where('reason', '=', when).execute()
  }
  const range = `since=${encodeURIComponent('2026-06-01T10:00:00Z')}&until=${encodeURIComponent('2026-06-01T12:00:00Z')}`
  const actions = await admin.get(`${base}/charts/actions?${range}`)
  t.equal(actions.statusCode, 200, actions.body)
  t.same(actions.json().points, [
    { at: '2026-06-01T10:00:00.000Z', action: 'remove', outcome: 'applied', count: 1 },
    { at: '2026-06-01T10:00:00.000Z', action: 'remove', outcome: 'failed', count: 1 },
    { at: '2026-06-01T11:00:00.000Z', action: 'remove', outcome: 'applied', count: 1 }
  ])
  t.equal(actions.json().bucket_seconds, 3600)

  await insertLoggedRequests(h.db, [
    captured(h.tenantId, '2026-06-01T10:01:00Z', 'okta', 200), captured(h.tenantId, '2026-06-01T10:04:59Z',
      'okta', 201),
    captured(h.tenantId, '2026-06-01T10:05:00Z', 'okta', 200), captured(h.tenantId, '2026-06-01T10:06:00Z',
      'entra', 409),
    captured(otherId, '2026-06-01T10:01:00Z', 'okta', 500)
  ])
  const scim = await admin.get(`${base}/charts/scim-requests?${range}`)
  t.equal(scim.statusCode, 200, scim.body)
  t.same(scim.json().points, [
    { at: '2026-06-01T10:00:00.000Z', idp: 'okta', status_class: '2xx', count: 2 },
    { at: '2026-06-01T10:05:00.000Z', idp: 'entra', status_class: '4xx', count: 1 },
    { at: '2026-06-01T10:05:00.000Z', idp: 'okta', status_class: '2xx', count: 1 }
  ])
  t.same((await admin.get(`${otherBase}/charts/scim-requests?${range}`)).json().points,
    [{ at: '2026-06-01T10:00:00.000Z', idp: 'okta', status_class: '5xx', count: 1 }], 'each tenant its own')
  t.same((await admin.get(`${otherBase}/charts/actions?${range}`)).json().points, [])

  const funnel = (await admin.get(`${base}/charts/invitations`)).json()
  t.match(funnel, { invited: 2, accepted: 0, pending_from_range: 2, pending_by_age: { '0-7d': 2, '7-14d': 0, '14-30d': 0, '30d+': 0 } })
  // Bob accepted; Ada's invitation is forty days old.
  await h.db.updateTable('meta_people').set({ state: 'member' }).where('user_id', '=', bob).execute()
  await h.db.updateTable('audit_events').set({ at: new Date(Date.now() - 40 * 86_400_000) })
    .where('user_id', '=', ada).where('action', '=', 'invite').execute()
  const later = (await admin.get(`${base}/charts/invitations`)).json()
  t.match(later, { invited: 1, accepted: 1, pending_from_range: 0, pending_by_age: { '0-7d': 0, '30d+': 1 } },
    'only Bob was invited in the last 30 days; Ada waits in the oldest bucket')
  t.same((await admin.get(`${otherBase}/charts/invitations`)).json().pending_by_age, { '0-7d': 0, '7-14d': 0, '14-30d': 0, '30d+': 0 })

  t.equal((await admin.get(`${base}/charts/scim-requests?since=2026-01-01T00:00:00Z&until=2026-06-01T00:00:00Z`)).statusCode, 400,
    'too many buckets')
  t.equal((await admin.get(`${base}/charts/actions?since=2026-06-02T00:00:00Z&until=2026-06-01T00:00:00Z`)).statusCode, 400)
  t.equal((await admin.get('/tenants/00000000-0000-4000-8000-000000000000/charts/actions')).statusCode, 404)
})
