import t from 'tap'
import { effectiveBurst } from '../../src/scim-api/rate-limit.js'
import { TokenBuckets } from '../../src/http/token-bucket.js'

t.test('a bucket allows its burst, then refills at the rate', async (t) => {
  let now = 0
  const buckets = new TokenBuckets({ perMinute: 120, burst: 4, now: () => now })
  for (let i = 0; i < 4; i++) t.same(buckets.take('a'), { allowed: true })
  t.same(buckets.take('a'), { allowed: false, retryAfterSeconds: 1 }, '2 per second: one token in 500 ms, rounded up')
  now += 500
  t.same(buckets.take('a'), { allowed: true })
  t.same(buckets.take('a'), { allowed: false, retryAfterSeconds: 1 })
  now += 60_000
  for (let i = 0; i < 4; i++) t.same(buckets.take('a'), { allowed: true }, 'refill stops at the burst')
  t.equal(buckets.take('a').allowed, false)
})

t.test('keys are independent', async (t) => {
  const buckets = new TokenBuckets({ perMinute: 1, burst: 1, now: () => 0 })
  t.equal(buckets.take('a').allowed, true)
  t.same(buckets.take('a'), { allowed: false, retryAfterSeconds: 60 })
  t.equal(buckets.take('b').allowed, true)
})

t.test('a clock that goes backwards does not mint tokens', async (t) => {
  let now = 10_000
  const buckets = new TokenBuckets({ perMinute: 60, burst: 1, now: () => now })
  t.equal(buckets.take('a').allowed, true)
  now = 0
  t.equal(buckets.take('a').allowed, false)
  now = 10_000
  t.equal(buckets.take('a').allowed, false, 'returning to the old time refills nothing')
})

t.test('idle full buckets are dropped when there are many keys', async (t) => {
  let now = 0
  const buckets = new TokenBuckets({ perMinute: 60, burst: 1, now: () => now, maxIdleKeys: 3 })
  for (const key of ['a', 'b', 'c']) buckets.take(key)
  now += 1_000 // all three full again
  buckets.take('d')
  t.equal(buckets.size, 1, 'the full ones went, the new one stays')
  buckets.take('e')
  t.equal(buckets.size, 2, 'a bucket still refilling is kept')
})

t.test('burst defaults to ten seconds of the rate', async (t) => {
  t.equal(effectiveBurst(600, 0), 100)
  t.equal(effectiveBurst(1, 0), 1)
  t.equal(effectiveBurst(600, 7), 7)
})

t.test('nonsense settings are refused', async (t) => {
  t.throws(() => new TokenBuckets({ perMinute: 0, burst: 1 }))
  t.throws(() => new TokenBuckets({ perMinute: 10, burst: 0 }))
})
