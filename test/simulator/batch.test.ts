import t, { type Test } from 'tap'
import { startSimulator } from '../meta/helpers/harness.js'

const V = 'v26.0'

async function world (t: Test) {
  const { sim, url } = await startSimulator(t)
  const s = sim.seedBusiness()
  const post = async (body: unknown, token: string | null = s.token, json = false) => {
    const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` }
    const res = await fetch(`${url}/${V}/`, json
      ? { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body as Record<string, string>).toString() })
    return { status: res.status, body: await res.json() as any }
  }
  return { sim, url, s, b: s.business.id, post }
}

t.test('each operation answers {code, headers, body-as-string}, in order', async t => {
  const w = await world(t)
  const res = await w.post({
    batch: JSON.stringify([
      { method: 'GET', relative_url: `${w.b}/business_users?fields=id,email` },
      { method: 'POST', relative_url: `${w.b}/business_users`, body: 'email=x%40corp.example&role=EMPLOYEE' },
      { method: 'GET', relative_url: '424242' }
    ])
  })
  t.equal(res.status, 200)
  t.equal(res.body.length, 3)
  t.equal(res.body[0].code, 200)
  t.equal(JSON.parse(res.body[0].body).data[0].email, w.s.admins[0]!.email)
  t.ok(res.body[0].headers.some((h: { name: string }) => h.name === 'x-app-usage'), 'usage headers per operation')
  t.match(JSON.parse(res.body[1].body), { id: /^\d+$/ })
  t.equal(res.body[2].code, 400)
  t.match(JSON.parse(res.body[2].body).error, { code: 100, error_subcode: 33 })
  t.equal(w.sim.store.requestsOf(w.b).length, 1, 'the write ran although another operation failed')
})

t.test('JSON bodies, include_headers=false, versioned relative URLs and per-operation tokens', async t => {
  const w = await world(t)
  const other = w.sim.seedBusiness()
  const res = await w.post({
    include_headers: 'false',
    batch: [
      { method: 'GET', relative_url: `${V}/${w.b}` },
      { method: 'GET', relative_url: `${other.business.id}/business_users?access_token=${other.token}` }
    ]
  }, w.s.token, true)
  t.equal(res.body[0].code, 200)
  t.notOk('headers' in res.body[0])
  t.equal(res.body[1].code, 200, 'the operation used its own token')
})

t.test('limits and errors of the batch itself', async t => {
  const w = await world(t)
  const ops = Array.from({ length: 51 }, () => ({ method: 'GET', relative_url: w.b }))
  t.match((await w.post({ batch: JSON.stringify(ops) })).body.error, { code: 100, message: /Maximum batch size is 50/ })
  t.match((await w.post({ batch: JSON.stringify(ops.slice(0, 2)) }, null)).body.error, { code: 104 }, 'the top-level token is required')
  t.match((await w.post({ batch: 'nope' })).body.error, { code: 100 })
  const dep = await w.post({ batch: JSON.stringify([{ method: 'GET', relative_url: '{result=first:$.id}' }]) })
  t.match(JSON.parse(dep.body[0].body).error, { code: 100, message: /dependencies/ })
})

t.test('operations count separately against rate limits', async t => {
  const w = await world(t)
  await w.post({ batch: JSON.stringify(Array.from({ length: 7 }, () => ({ method: 'GET', relative_url: w.b }))) })
  const app = w.sim.limiter.all().find(b => b.key.startsWith('app:'))
  t.equal(app?.totalCalls, 7)
  t.equal(w.sim.calls.list().filter(c => c.inBatch).length, 7)
  t.equal(w.sim.calls.list({ route: 'batch' }).length, 1)
})

t.test('injected null entries and slow operations', async t => {
  const w = await world(t)
  w.sim.updateSettings({ batch: { timeoutMs: 100 } })
  w.sim.faults.add({ route: 'business_user.get', batchNull: true })
  w.sim.faults.add({ route: 'business.get', delayMs: 10_000 })
  const admin = w.s.admins[0]!.id
  const res = await w.post({ batch: JSON.stringify([{ method: 'GET', relative_url: admin }, { method: 'GET', relative_url: w.b }, { method: 'GET', relative_url: admin }]) })
  t.equal(res.body[0], null)
  t.equal(res.body[1], null)
  t.equal(res.body[2].code, 200, 'the fault applied once')
})
