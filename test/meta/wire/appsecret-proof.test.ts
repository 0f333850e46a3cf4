import { createHmac } from 'node:crypto'
import t from 'tap'
import { z } from 'zod'
import { appSecretParams, appSecretProof } from '../../../src/meta/wire/appsecret-proof.js'
import { createMetaClient } from '../../../src/meta/client.js'
import { MetaGovernor } from '../../../src/meta/governor/governor.js'
import { API_VERSION, graph, setup } from '../helpers/harness.js'
import { ManualClock } from '../helpers/manual-clock.js'

t.test('proof is HMAC-SHA256(secret, token|time) in lowercase hex (known vector)', async t => {
  // Computed independently: python hmac.new(b'secret', b'token|1700000000', sha256).hexdigest()
  t.equal(appSecretProof('token', 'secret', 1700000000), '3c81f1bf0544f53adccadbaf135235bf73451aadede41a90a122c46e93dcae64')
  t.same(appSecretParams('token', 'secret', 1700000000_999), {
    appsecret_proof: '3c81f1bf0544f53adccadbaf135235bf73451aadede41a90a122c46e93dcae64',
    appsecret_time: '1700000000'
  })
})

t.test('the simulator accepts a correct proof and rejects missing, wrong and stale ones', async t => {
  const clock = new ManualClock()
  const { sim, url, seeded, businessId } = await setup(t, {
    sim: { now: clock.now },
    business: { appSecret: 'app-secret' }
  })
  const client = (appSecret: string | undefined, now = clock.now) => createMetaClient({
    graphUrl: url,
    apiVersion: API_VERSION,
    accessToken: seeded.token,
    businessId,
    appSecret,
    timeoutMs: 5000,
    governor: new MetaGovernor(),
    clock: { now, sleep: clock.sleep },
    retry: { retries: 0 }
  })

  t.equal((await client('app-secret').listBusinessUsers()).length, 1)
  t.equal(sim.calls.list().at(-1)?.proof, 'valid')

  t.match(await client(undefined).listBusinessUsers().catch((e: unknown) => e),
    { code: 100, errorClass: 'invalid_request', message: /require an appsecret_proof/ }, 'missing proof')
  t.match(await client('wrong-secret').listBusinessUsers().catch((e: unknown) => e),
    { code: 100, message: /Invalid appsecret_proof/ }, 'wrong secret')
  t.equal(sim.calls.list().at(-1)?.proof, 'invalid')
  const stale = client('app-secret', () => clock.now() - 6 * 60_000)
  t.match(await stale.listBusinessUsers().catch((e: unknown) => e), { code: 100, message: /Invalid appsecret_proof/ }, 'older than 5 minutes')
  const recent = client('app-secret', () => clock.now() - 4 * 60_000)
  t.equal((await recent.listBusinessUsers()).length, 1, 'within the 5-minute window')
})

t.test('a proof is checked even when the app does not require one', async t => {
  const { url, seeded, businessId } = await setup(t, { business: { appSecret: 'app-secret', requireAppSecret: false } })
  const make = (appSecret?: string) => createMetaClient({
    graphUrl: url, apiVersion: API_VERSION, accessToken: seeded.token, businessId, appSecret, timeoutMs: 5000, governor: new MetaGovernor()
  })
  t.equal((await make().listBusinessUsers()).length, 1, 'no proof is fine when not required')
  t.match(await make('nope').listBusinessUsers().catch((e: unknown) => e), { code: 100 }, 'a wrong proof still fails')
})

t.test('legacy untimed proof only with the setting on', async t => {
  const { sim, url, seeded, businessId } = await setup(t, { business: { appSecret: 'secret' } })
  // Legacy form: HMAC(secret, token) without appsecret_time (py-sdk, §7).
  const legacy = { appsecret_proof: createHmac('sha256', 'secret').update(seeded.token).digest('hex') }
  const off = await graph(url, seeded.token, 'GET', `${API_VERSION}/${businessId}/business_users`, legacy)
  t.equal(off.status, 400)
  t.equal(off.body.error.code, 100)
  sim.updateSettings({ acceptLegacyProof: true })
  const on = await graph(url, seeded.token, 'GET', `${API_VERSION}/${businessId}/business_users`, legacy)
  t.equal(on.status, 200)
})

t.test('batch: the top-level proof covers every operation', async t => {
  const { client, sim, businessId } = await setup(t, {
    business: { appSecret: 's3' },
    client: { appSecret: 's3' }
  })
  const members = [0, 1].map(i => sim.addMember(businessId, { email: `b${i}@corp.example` }))
  const results = await client.batch(members.map(m => ({ method: 'GET' as const, path: m.id, schema: z.object({ id: z.string() }) })))
  t.ok(results.every(r => r.ok))
  const ops = sim.calls.list().filter(c => c.inBatch)
  t.equal(ops.length, 2)
  t.ok(ops.every(c => c.proof === 'valid'))
})
