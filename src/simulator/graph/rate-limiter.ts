import type { BucketLimit, SimulatorSettings } from '../settings.js'

// Usage accounting per bucket from a call budget per rolling window (docs/meta-graph-api.md §5.1, §5.2).
// When the budget is used up the bucket is blocked until its oldest call leaves the window;
// calls that arrive meanwhile are refused and counted (Meta: continued calls extend the block).

export interface BucketRef {
  /** `app:<appId>` or `buc:<objectId>:<type>` */
  key: string
  kind: 'app' | 'buc'
  objectId: string
  type: string
  /** Ad-account BUC buckets also drive X-Ad-Account-Usage (§5.2). */
  adAccount: boolean
}

export interface BucketStatus {
  key: string
  budget: number
  windowMs: number
  callsInWindow: number
  usagePct: number
  blockedUntil: number | null
  /** Calls refused because they arrived while the bucket was blocked. */
  blockedCalls: number
  totalCalls: number
}

class SimBucket {
  calls: number[] = []
  blockedUntil = 0
  blockedCalls = 0
  totalCalls = 0
}

export class RateLimiter {
  private readonly buckets = new Map<string, SimBucket>()

  constructor (
    private readonly settings: () => SimulatorSettings['rateLimits'],
    private readonly now: () => number
  ) {}

  limitFor (ref: Pick<BucketRef, 'key' | 'kind'>): BucketLimit {
    const s = this.settings()
    return s.overrides[ref.key] ?? (ref.kind === 'app' ? s.app : s.buc)
  }

  private bucket (ref: Pick<BucketRef, 'key' | 'kind'>, now: number): SimBucket {
    let b = this.buckets.get(ref.key)
    if (b === undefined) {
      b = new SimBucket()
      this.buckets.set(ref.key, b)
    }
    const { windowMs } = this.limitFor(ref)
    while (b.calls.length > 0 && (b.calls[0] as number) <= now - windowMs) b.calls.shift()
    return b
  }

  /** Counts a call. `allowed: false` means the bucket was blocked: answer with a throttle. */
  consume (ref: BucketRef): { allowed: boolean } {
    const now = this.now()
    const b = this.bucket(ref, now)
    b.totalCalls++
    const { budget, windowMs } = this.limitFor(ref)
    if (b.blockedUntil > now || b.calls.length >= budget) {
      b.blockedCalls++
      if (b.blockedUntil <= now) b.blockedUntil = (b.calls[0] ?? now) + windowMs
      b.blockedUntil += this.settings().blockExtensionMs
      return { allowed: false }
    }
    b.calls.push(now)
    if (b.calls.length >= budget) b.blockedUntil = (b.calls[0] as number) + windowMs
    return { allowed: true }
  }

  /** Pre-fills a bucket to a usage percentage (a control for demos and tests). */
  setUsage (ref: Pick<BucketRef, 'key' | 'kind'>, pct: number): void {
    const now = this.now()
    const b = this.bucket(ref, now)
    const { budget, windowMs } = this.limitFor(ref)
    b.calls = Array.from({ length: Math.min(budget, Math.round(budget * pct / 100)) }, () => now)
    b.blockedUntil = b.calls.length >= budget ? now + windowMs : 0
  }

  status (ref: Pick<BucketRef, 'key' | 'kind'>): BucketStatus {
    const now = this.now()
    const b = this.bucket(ref, now)
    const { budget, windowMs } = this.limitFor(ref)
    const blocked = b.blockedUntil > now
    return {
      key: ref.key,
      budget,
      windowMs,
      callsInWindow: b.calls.length,
      usagePct: blocked ? Math.max(100, pct(b.calls.length, budget)) : pct(b.calls.length, budget),
      blockedUntil: blocked ? b.blockedUntil : null,
      blockedCalls: b.blockedCalls,
      totalCalls: b.totalCalls
    }
  }

  all (): BucketStatus[] {
    return [...this.buckets.keys()].map(key => this.status({ key, kind: key.startsWith('app:') ? 'app' : 'buc' }))
  }

  /** Usage headers for an answer in this bucket (§5.2). */
  headers (ref: BucketRef, businessId: string | null = null): Record<string, string> {
    const s = this.settings()
    const st = this.status(ref)
    if (st.usagePct < s.headersFromPct) return {}
    const now = this.now()
    const etaMs = st.blockedUntil === null ? 0 : st.blockedUntil - now
    const usage = { call_count: st.usagePct, total_cputime: st.usagePct, total_time: st.usagePct }
    if (ref.kind === 'app') return { 'x-app-usage': JSON.stringify(usage) }
    const tier = ref.type.startsWith('ads_') ? { ads_api_access_tier: 'development_access' } : {}
    const objectKey = s.bucHeaderKeyedBy === 'business' && businessId !== null
      ? businessId
      : ref.adAccount && s.bucKeyWithActPrefix ? `act_${ref.objectId}` : ref.objectId
    const out: Record<string, string> = {
      'x-business-use-case-usage': JSON.stringify({
        [objectKey]: [{ type: ref.type, ...usage, estimated_time_to_regain_access: Math.ceil(etaMs / 60_000), ...tier }]
      })
    }
    if (ref.adAccount && s.emitAdAccountUsage) {
      out['x-ad-account-usage'] = JSON.stringify({
        acc_id_util_pct: st.usagePct, reset_time_duration: Math.ceil(etaMs / 1000), ads_api_access_tier: 'development_access'
      })
    }
    return out
  }

  reset (): void {
    this.buckets.clear()
  }
}

function pct (calls: number, budget: number): number {
  return budget <= 0 ? 100 : Math.round(calls / budget * 100)
}
