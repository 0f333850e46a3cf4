import t, { type Test } from 'tap'
import type { AssetType } from '../../src/meta/vocabulary/enums.js'
import type { DeepPartial, SimulatorSettings } from '../../src/simulator/settings.js'
import { graph, startSimulator } from '../meta/helpers/harness.js'
import { ManualClock } from '../meta/helpers/manual-clock.js'

const V = 'v26.0'
const MIN = 60_000

async function world (t: Test, rateLimits: DeepPartial<SimulatorSettings['rateLimits']>) {
  const clock = new ManualClock()
  const { sim, url } = await startSimulator(t, { now: clock.now, settings: { rateLimits } })
  const s = sim.seedBusiness()
  const b = s.business.id
  const call = (method: string, path: string, params: Record<string, string> = {}) => graph(url, s.token, method, `${V}/${path}`, params)
  return { clock, sim, s, b, call }
}

t.test('X-App-Usage grows with calls; at the budget the bucket blocks with code 4', async t => {
  const w = await world(t, { app: { budget: 4, windowMs: 10 * MIN } })
  const usage: unknown[] = []
  for (let i = 0; i < 4; i++) {
    const res = await w.call('GET', `${w.b}/business_users`)
    t.equal(res.status, 200)
    usage.push(JSON.parse(res.headers.get('x-app-usage') ?? 'null'))
  }
  t.same(usage.map(u => (u as { call_count: number }).call_count), [25, 50, 75, 100])
  const blocked = await w.call('GET', `${w.b}/system_users`)
  t.equal(blocked.status, 400)
  t.match(blocked.body.error, { code: 4, type: 'OAuthException', message: /Application request limit reached/ })
  t.equal(JSON.parse(blocked.headers.get('x-app-usage') ?? '{}').call_count, 100, 'headers on error answers too')
  const key = `app:${w.s.app.id}`
  t.match(w.sim.limiter.status({ key, kind: 'app' }), { blockedCalls: 1, callsInWindow: 4, blockedUntil: w.clock.now() + 10 * MIN })
  w.clock.advance(10 * MIN)
  t.equal((await w.call('GET', `${w.b}/system_users`)).status, 200, 'the window reopened')
  t.equal(w.sim.limiter.status({ key, kind: 'app' }).blockedCalls, 1)
})

t.test('BUC throttles per asset type, keyed by object id with ETA in minutes', async t => {
  const expected: Array<[AssetType, string | null, number, number | undefined]> = [
    ['ad_account', 'ads_management', 80004, 2446079],
    ['page', 'pages', 80001, undefined],
    ['instagram_account', 'instagram', 80002, undefined],
    ['product_catalog', 'catalog_management', 80009, undefined],
    ['whatsapp_business_account', 'whatsapp_business_management', 80008, undefined],
    ['pixel', null, 4, undefined]
  ]
  for (const [type, bucType, code, subcode] of expected) {
    const w = await world(t, { buc: { budget: 1, windowMs: 3 * MIN }, app: { budget: 2, windowMs: 3 * MIN } })
    const asset = w.sim.addAsset(w.b, { type })
    const objectId = type === 'ad_account' ? asset.id.slice(4) : asset.id
    if (bucType === null) await w.call('GET', `${w.b}/business_users`) // pixels share the app bucket
    const ok = await w.call('GET', `${asset.id}/assigned_users`, { business: w.b })
    t.equal(ok.status, 200, `${type} first call`)
    if (bucType !== null) {
      const header = JSON.parse(ok.headers.get('x-business-use-case-usage') ?? '{}')
      t.match(header[objectId]?.[0], { type: bucType, call_count: 100, estimated_time_to_regain_access: 3 }, `${type} header`)
      t.equal(ok.headers.get('x-app-usage'), null, 'BUC calls do not report app usage')
    }
    const blocked = await w.call('GET', `${asset.id}/assigned_users`, { business: w.b })
    t.match(blocked.body.error, { code, error_subcode: subcode }, `${type} throttle code`)
  }
})

t.test('usage header settings: act_ keys, X-Ad-Account-Usage, threshold', async t => {
  const w = await world(t, { buc: { budget: 4, windowMs: MIN }, bucKeyWithActPrefix: true, emitAdAccountUsage: true })
  const asset = w.sim.addAsset(w.b, { type: 'ad_account' })
  const res = await w.call('GET', `${asset.id}/assigned_users`, { business: w.b })
  t.ok(asset.id in JSON.parse(res.headers.get('x-business-use-case-usage') ?? '{}'), 'keyed act_<id>')
  t.match(JSON.parse(res.headers.get('x-ad-account-usage') ?? '{}'), { acc_id_util_pct: 25, reset_time_duration: 0 })
  w.sim.updateSettings({ rateLimits: { headersFromPct: 75 } })
  t.equal((await w.call('GET', `${asset.id}/assigned_users`, { business: w.b })).headers.get('x-business-use-case-usage'), null, '50% is below the threshold')
  t.not((await w.call('GET', `${asset.id}/assigned_users`, { business: w.b })).headers.get('x-business-use-case-usage'), null, '75% is not')
})

t.test('per-bucket overrides, block extension and pre-filled usage', async t => {
  const w = await world(t, { app: { budget: 100, windowMs: MIN }, blockExtensionMs: 30_000 })
  const key = `app:${w.s.app.id}`
  w.sim.updateSettings({ rateLimits: { overrides: { [key]: { budget: 1, windowMs: MIN } } } })
  await w.call('GET', w.b)
  const start = w.clock.now()
  await w.call('GET', w.b)
  await w.call('GET', w.b)
  t.match(w.sim.limiter.status({ key, kind: 'app' }), { budget: 1, blockedCalls: 2, blockedUntil: start + MIN + 60_000 }, 'each blocked call extended the block')

  const page = w.sim.addAsset(w.b, { type: 'page' })
  w.sim.limiter.setUsage({ key: `buc:${page.id}:pages`, kind: 'buc' }, 90)
  const res = await w.call('GET', `${page.id}/assigned_users`, { business: w.b })
  t.equal(JSON.parse(res.headers.get('x-business-use-case-usage') ?? '{}')[page.id][0].call_count, 90)
})
