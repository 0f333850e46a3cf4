import t from 'tap'
import {
  parseAdAccountUsage, parseAppUsage, parseBucUsage, parseUsageHeaders
} from '../../../src/meta/governor/usage-headers.js'
import { backoffDelay, DEFAULT_RETRY_POLICY } from '../../../src/meta/wire/retry.js'

t.test('X-App-Usage', async t => {
  t.same(parseAppUsage('{"call_count":28,"total_time":25,"total_cputime":25}'), { callCount: 28, totalTime: 25, totalCputime: 25 })
  t.same(parseAppUsage('{"call_count":"91","total_time":"3"}'), { callCount: 91, totalTime: 3, totalCputime: 0 }, 'numeric strings are coerced')
  t.equal(parseAppUsage(null), null)
  t.equal(parseAppUsage('not json'), null)
})

t.test('X-Business-Use-Case-Usage: per object id, arrays of entries, act_ stripped, ETA in minutes', async t => {
  const header = JSON.stringify({
    act_66782684: [{ type: 'ads_management', call_count: 95, total_cputime: 20, total_time: 20, estimated_time_to_regain_access: 0, ads_api_access_tier: 'development_access' }],
    10153848260347724: [
      { type: 'pages', call_count: 97, total_cputime: 23, total_time: 23, estimated_time_to_regain_access: '4' },
      { type: 'instagram', call_count: 1 }
    ]
  })
  const entries = parseBucUsage(header)
  t.equal(entries.length, 3)
  t.match(entries.find(e => e.type === 'ads_management'), { objectId: '66782684', callCount: 95, etaMinutes: 0, accessTier: 'development_access' })
  t.match(entries.find(e => e.type === 'pages'), { objectId: '10153848260347724', callCount: 97, etaMinutes: 4 })
  t.match(entries.find(e => e.type === 'instagram'), { totalTime: 0, etaMinutes: 0 })
  t.same(parseBucUsage('{"1": "nope"}'), [], 'malformed header means no information')
})

t.test('X-Ad-Account-Usage: percentage and reset in seconds', async t => {
  t.same(parseAdAccountUsage('{"acc_id_util_pct":9.67,"reset_time_duration":100,"ads_api_access_tier":"standard_access"}'),
    { utilPct: 9.67, resetSeconds: 100, accessTier: 'standard_access' })
})

t.test('parseUsageHeaders reads all three by name', async t => {
  const headers = new Headers({ 'X-App-Usage': '{"call_count":5}', 'x-ad-account-usage': '{"acc_id_util_pct":1}' })
  const report = parseUsageHeaders(name => headers.get(name))
  t.equal(report.app?.callCount, 5)
  t.same(report.buc, [])
  t.equal(report.adAccount?.utilPct, 1)
})

t.test('retry backoff: 2 s, 8 s, 30 s cap, jitter within [half, full]', async t => {
  t.same([1, 2, 3].map(n => backoffDelay(DEFAULT_RETRY_POLICY, n, () => 1)), [2000, 8000, 30_000])
  t.same([1, 2, 3].map(n => backoffDelay(DEFAULT_RETRY_POLICY, n, () => 0)), [1000, 4000, 15_000])
})
