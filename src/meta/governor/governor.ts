import { ChangeSignal } from './change-signal.js'
import { systemClock, type Clock } from './clock.js'
import { MetaApiError } from '../vocabulary/errors.js'
import { bucKey, newBucket, WAIT_FOR_CHANGE, type BucketSnapshot, type GovernorBucket } from './governor-bucket.js'
import { pausePlan } from './governor-policy.js'
import type {
  AcquireOptions, CallScope, GovernorOptions, GovernorSnapshot, Headroom, Permit, ThrottleFacts
} from './governor-types.js'
import { peakUsage, type UsageReport } from './usage-headers.js'

export type { AcquireOptions, CallScope, GovernorOptions, GovernorSnapshot, Headroom, Permit } from './governor-types.js'

/**
 * Rate-limit governor (reference §5.4), one per process, shared by every client so all work
 * sees the same buckets: `app` (X-App-Usage), `buc:<objectId>:<type>` (X-Business-Use-Case-Usage)
 * and `ad_account:<id>` (X-Ad-Account-Usage). It reads the headers of every answer, slows a
 * bucket from `slowAt`, pauses it from `pauseAt` or on a throttle error until the advertised time
 * (else exponential backoff), and lets no call start in a paused bucket.
 *
 * `slowAt` is 92 %: a bucket whose calls keep coming settles just above the point where spacing
 * starts, so that point is the share of Meta's budget a long fan-out uses (at 80 % it used 80 %);
 * 92 leaves the 92–95 band for spacing and 5 points below Meta's block for the calls of other
 * tools and of other replicas still in flight when the pause starts (bench/findings.md).
 */
export class MetaGovernor {
  readonly options: Required<Omit<GovernorOptions, 'clock' | 'random'>>
  private readonly clock: Clock
  private readonly random: () => number
  private readonly buckets = new Map<string, GovernorBucket>()
  private readonly changes: ChangeSignal

  constructor (options: GovernorOptions = {}) {
    this.clock = options.clock ?? systemClock
    this.random = options.random ?? Math.random
    this.changes = new ChangeSignal(this.clock)
    this.options = {
      slowAt: options.slowAt ?? 92,
      pauseAt: options.pauseAt ?? 95,
      maxSpacingMs: options.maxSpacingMs ?? 2000,
      backoffInitialMs: options.backoffInitialMs ?? 60_000,
      backoffMaxMs: options.backoffMaxMs ?? 900_000,
      jitterRatio: options.jitterRatio ?? 0.2,
      maxWaitMs: options.maxWaitMs ?? 60_000
    }
  }

  /** Observable state for metrics and tests. */
  snapshot (): GovernorSnapshot {
    const now = this.clock.now()
    return { at: now, buckets: [...this.buckets.values()].map(b => b.snapshot(now)) }
  }

  bucket (key: string): BucketSnapshot | undefined {
    return this.buckets.get(key)?.snapshot(this.clock.now())
  }

  /**
   * How close a bucket is to its limit (default `app`: the platform bucket every people call
   * runs under, meta-graph-api.md §5.1). A bucket nothing has reported on is fully open.
   */
  headroom (key = 'app'): Headroom {
    const now = this.clock.now()
    const b = this.buckets.get(key)
    const { slowAt, pauseAt } = this.options
    return {
      usagePct: b?.usagePct ?? null,
      stepPct: b?.stepPct() ?? null,
      pausedUntil: b !== undefined && b.pausedUntil > now ? b.pausedUntil : null,
      slowAt,
      pauseAt
    }
  }

  /** Bucket keys a call in this scope must pass. */
  keysFor (scope: CallScope): string[] {
    const keys = new Set<string>()
    if (scope.platform) keys.add('app')
    if (scope.objectId !== undefined) {
      if (scope.bucType != null) keys.add(bucKey(scope.objectId, scope.bucType))
      // Any bucket Meta reported for this object also applies (learned from headers).
      for (const b of this.buckets.values()) {
        if (b.kind === 'buc' && b.objectId === scope.objectId) keys.add(b.key)
      }
    }
    if (scope.adAccountId !== undefined) keys.add(`ad_account:${scope.adAccountId}`)
    return [...keys]
  }

  /** Milliseconds until every bucket of the scope is open again (0 when open now). */
  retryAfterMs (scope: CallScope): number {
    const now = this.clock.now()
    const until = Math.max(now, ...this.keysFor(scope).map(k => this.buckets.get(k)?.pausedUntil ?? 0))
    return until - now
  }

  /**
   * Waits until every bucket of the scope (or of all scopes, for a batch) lets a call through,
   * then starts it. While a bucket is paused nothing is sent in it (§5.4: continued calls extend
   * the block); calls in other buckets go on.
   */
  async acquire (scopes: CallScope | readonly CallScope[], options: AcquireOptions = {}): Promise<Permit> {
    const list = Array.isArray(scopes) ? scopes as readonly CallScope[] : [scopes as CallScope]
    const keys = [...new Set(list.flatMap(s => this.keysFor(s)))]
    const buckets = keys.map(k => this.ensure(k))
    const scope = list[0] ?? { platform: true }
    const maxWait = options.maxWaitMs ?? this.options.maxWaitMs
    const deadline = this.clock.now() + maxWait
    for (const b of buckets) b.waiting++
    try {
      for (;;) {
        options.signal?.throwIfAborted()
        const now = this.clock.now()
        const readyAt = Math.max(now, ...buckets.map(b => b.readyAt(now)))
        if (readyAt <= now) return this.start(scope, buckets, now)
        // Waiting behind a probe has no known end: wait for it until the deadline.
        const expired = readyAt === WAIT_FOR_CHANGE ? now >= deadline : readyAt > deadline
        if (expired) {
          for (const b of buckets) b.rejected++
          throw this.rejection(buckets, now, readyAt, options.endpoint ?? 'governor')
        }
        await this.changes.wait(Math.min(readyAt, deadline) - now, options.signal)
      }
    } finally {
      for (const b of buckets) b.waiting--
    }
  }

  private start (scope: CallScope, buckets: GovernorBucket[], now: number): Permit {
    const probes = buckets.map(b => b.start(now))
    let done = false
    return {
      keys: buckets.map(b => b.key),
      complete: (report, throttle) => {
        if (done) return
        done = true
        buckets.forEach((b, i) => b.settle(probes[i] === true, throttle !== null))
        this.record(scope, report, throttle)
      },
      abandon: () => {
        if (done) return
        done = true
        buckets.forEach((b, i) => b.abandon(probes[i] === true))
        this.changes.notify()
      }
    }
  }

  /** Applies usage headers and, on a throttle error, pauses the buckets it names (§5.4). */
  record (scope: CallScope, report: UsageReport, throttle: ThrottleFacts | null): void {
    const now = this.clock.now()
    const etaMs = new Map<string, number>()
    if (report.app !== null) this.observe('app', peakUsage(report.app), 0, now)
    for (const entry of report.buc) {
      const key = bucKey(entry.objectId, entry.type)
      etaMs.set(key, entry.etaMinutes * 60_000)
      this.observe(key, peakUsage(entry), entry.etaMinutes * 60_000, now)
    }
    if (report.adAccount !== null && scope.adAccountId !== undefined) {
      const key = `ad_account:${scope.adAccountId}`
      etaMs.set(key, report.adAccount.resetSeconds * 1000)
      this.observe(key, report.adAccount.utilPct, report.adAccount.resetSeconds * 1000, now)
    }
    if (throttle !== null) {
      for (const key of pausePlan(scope, report, throttle)) {
        const b = this.ensure(key)
        b.consecutiveThrottles++
        b.throttleEvents++
        const advertised = etaMs.get(key) ?? 0
        const base = advertised > 0 ? advertised : this.backoff(b.consecutiveThrottles)
        b.pause(now + this.withJitter(base), `code ${throttle.code}`)
      }
    }
    this.changes.notify()
  }

  private observe (key: string, usage: number, etaMs: number, now: number): void {
    const b = this.ensure(key)
    b.report(usage)
    const { slowAt, pauseAt, maxSpacingMs, backoffInitialMs } = this.options
    if (usage >= pauseAt) {
      b.spacingMs = 0
      // Not a short pause, though Meta has not blocked the bucket yet: another replica may push
      // it to 100 % meanwhile, and only its own answers would say so; a probe then meets the block.
      b.pause(now + this.withJitter(etaMs > 0 ? etaMs : backoffInitialMs), `usage ${usage}%`)
    } else if (usage >= slowAt) {
      b.spacingMs = Math.round(maxSpacingMs * (usage - slowAt) / (pauseAt - slowAt))
    } else {
      b.spacingMs = 0
    }
  }

  private backoff (attempt: number): number {
    const { backoffInitialMs, backoffMaxMs } = this.options
    return Math.min(backoffMaxMs, backoffInitialMs * 2 ** Math.max(0, attempt - 1))
  }

  private withJitter (ms: number): number {
    return ms + Math.round(this.random() * this.options.jitterRatio * ms)
  }

  private ensure (key: string): GovernorBucket {
    let b = this.buckets.get(key)
    if (b === undefined) {
      b = newBucket(key)
      this.buckets.set(key, b)
    }
    return b
  }

  private rejection (buckets: GovernorBucket[], now: number, readyAt: number, endpoint: string): MetaApiError {
    const blocking = buckets.filter(b => b.readyAt(now) > now).map(b => b.key)
    const retryAfterMs = readyAt === WAIT_FOR_CHANGE ? this.options.backoffInitialMs : readyAt - now
    return new MetaApiError({
      message: `rate-limit bucket ${blocking.join(', ')} is paused; call not sent`,
      source: 'governor',
      errorClass: 'rate_limited',
      endpoint,
      retryAfterMs
    })
  }
}
