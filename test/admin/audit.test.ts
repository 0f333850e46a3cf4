import t from 'tap'
import { writeAudit } from '../../src/provisioning/records/audit-repository.js'
import { provisionedAdmin } from './helpers/provisioned.js'

t.test('audit: the engine\'s events, newest first, filtered by person, action, outcome and time', async (t) => {
  const { h, admin, base, otherBase } = await provisionedAdmin(t)
  const ada = await h.createUser('ada@example.com')
  const bob = await h.createUser('bob@example.com')
  await h.drain()
  const all = await admin.get(`${base}/audit`)
  t.equal(all.statusCode, 200, all.body)
  const invites = all.json().items.filter((e: { action: string }) => e.action === 'invite')
  t.equal(invites.length, 2, 'one invite per person')
  const ids = all.json().items.map((e: { id: number }) => e.id)
  t.same(ids, [...ids].sort((a: number, b: number) => b - a), 'newest first')

  const byAda = (await admin.get(`${base}/audit?user_id=${ada}`)).json()
  t.ok(byAda.total > 0)
  t.ok(byAda.items.every((e: { user_id: string }) => e.user_id === ada), 'only Ada\'s events')
  t.notOk(byAda.items.some((e: { user_id: string }) => e.user_id === bob))

  const old = new Date(Date.now() - 3 * 86_400_000)
  await writeAudit(h.db, { tenantId: h.tenantId, actor: 'test', userId: ada, action: 'remove', reason: 'test', outcome: 'failed', message: 'boom' })
  await h.db.updateTable('audit_events').set({ at: old }).where('action', '=', 'remove').execute()
  const failed = (await admin.get(`${base}/audit?outcome=failed`)).json()
  t.same(failed.items.map((e: { action: string }) => e.action), ['remove'])
  const removes = (await admin.get(`${base}/audit?action=remove`)).json()
  t.equal(removes.total, 1)
  t.equal(removes.items[0].message, 'boom')
  const since = new Date(Date.now() - 86_400_000).toISOString()
  const recent = (await admin.get(`${base}/audit?since=${encodeURIComponent(since)}`)).json()
  t.equal(recent.total, all.json().total, 'since excludes the old event')
  const until = (await admin.get(`${base}/audit?until=${encodeURIComponent(since)}`)).json()
  t.same(until.items.map((e: { action: string }) => e.action), ['remove'], 'until keeps only the old event')
  const paged = (await admin.get(`${base}/audit?limit=1`)).json()
  t.equal(paged.items.length, 1)
  t.equal(paged.next_offset, 1)

  t.same((await admin.get(`${otherBase}/audit`)).json(), { items: [], total: 0 }, 'another tenant sees none of it')
  t.same((await admin.get(`${otherBase}/audit?user_id=${ada}`)).json().items, [])
})

t.test('audit: 400 on bad filters, 404 on an unknown tenant', async (t) => {
  const { admin, base } = await provisionedAdmin(t)
  for (const q of ['outcome=great', 'since=yesterday', 'user_id=ada', 'limit=501', 'colour=red']) {
    const res = await admin.get(`${base}/audit?${q}`)
    t.equal(res.statusCode, 400, q)
    t.ok(res.json().details.length > 0, `${q}: details`)
  }
  t.equal((await admin.get('/tenants/00000000-0000-4000-8000-000000000000/audit')).statusCode, 404)
})
