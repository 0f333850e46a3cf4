export interface TokenBucketOptions {
  /** Sustained rate: tokens added per minute. */
  perMinute: number
  /** Largest burst: bucket capacity. */
  burst: number
  now?: () => number
  /** Above this many keys, full (idle) buckets are dropped: a full bucket equals a new one. */
  maxIdleKeys?: number
}

export type TakeResult = { allowed: true } | { allowed: false, retryAfterSeconds: number }

interface Bucket { tokens: number, at: number }

/**
 * Token buckets keyed by tenant, in process memory: each replica limits on its own, so N
 * replicas behind a balancer let through up to N times the rate (docs/operations.md).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>()
  private readonly perMs: number
  private readonly now: () => number
  private readonly maxIdleKeys: number

  constructor (private readonly options: TokenBucketOptions) {
    if (!(options.perMinute > 0) || !(options.burst >= 1)) throw new RangeError('token bucket needs perMinute > 0 and burst >= 1')
    this.perMs = options.perMinute / 60_000
    this.now = options.now ?? Date.now
    this.maxIdleKeys = options.maxIdleKeys ?? 10_000
  }

  take (key: string): TakeResult {
    const now = this.now()
    const bucket = this.refill(key, now)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return { allowed: true }
    }
    // RFC 9110 §10.2.3: Retry-After in whole seconds; round up so a client that waits exactly
    // that long finds a token.
    const waitMs = (1 - bucket.tokens) / this.perMs
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) }
  }

  get size (): number {
    return this.buckets.size
  }

  private refill (key: string, now: number): Bucket {
    let bucket = this.buckets.get(key)
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxIdleKeys) this.dropFull(now)
      bucket = { tokens: this.options.burst, at: now }
      this.buckets.set(key, bucket)
      return bucket
    }
    const elapsed = Math.max(0, now - bucket.at)
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + elapsed * this.perMs)
    // A clock step backwards must not later count the same interval twice.
    bucket.at = Math.max(bucket.at, now)
    return bucket
  }

  private dropFull (now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + Math.max(0, now - b.at) * this.perMs >= this.options.burst) this.buckets.delete(key)
    }
  }
}
