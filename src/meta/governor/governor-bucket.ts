// One rate-limit bucket of the governor (reference §5.4): usage, pause, probe and spacing.

export type BucketKind = 'app' | 'buc' | 'ad_account'
export type BucketState = 'open' | 'slowed' | 'paused' | 'probing'

export interface BucketSnapshot {
  key: string
  kind: BucketKind
  objectId: string | null
  type: string | null
  state: BucketState
  /** Highest usage percentage last reported for this bucket, or null if never reported. */
  usagePct: number | null
  pausedUntil: number | null
  pauseReason: string | null
  spacingMs: number
  consecutiveThrottles: number
  waiting: number
  inFlight: number
  callsStarted: number
  throttleEvents: number
  rejected: number
}

/** Sentinel readiness: wait until some other call finishes (the probe after a pause). */
export const WAIT_FOR_CHANGE = Number.POSITIVE_INFINITY

/** Rises of usage remembered per bucket for `stepPct`. */
const STEPS_KEPT = 20

export class GovernorBucket {
  usagePct: number | null = null
  /** The last rises of the reported usage from one answer to the next (positive only). */
  private readonly steps: number[] = []
  pausedUntil = 0
  pauseReason: string | null = null
  spacingMs = 0
  consecutiveThrottles = 0
  /** After a throttle pause ends, one call goes first ("re-probe with one call", §5.4 step 4). */
  needsProbe = false
  probeInFlight = false
  lastStartAt = Number.NEGATIVE_INFINITY
  waiting = 0
  inFlight = 0
  callsStarted = 0
  throttleEvents = 0
  rejected = 0

  constructor (
    readonly key: string,
    readonly kind: BucketKind,
    readonly objectId: string | null,
    readonly type: string | null
  ) {}

  /** Takes a reported usage, remembering how far it rose since the previous report. */
  report (usage: number): void {
    if (this.usagePct !== null && usage > this.usagePct) {
      this.steps.push(usage - this.usagePct)
      if (this.steps.length > STEPS_KEPT) this.steps.shift()
    }
    this.usagePct = usage
  }

  /**
   * The largest recent rise between two answers: what one more call in flight may add, with the
   * calls of every other caller of the bucket (other replicas) that landed in between.
   */
  stepPct (): number | null {
    return this.steps.length === 0 ? null : Math.max(...this.steps)
  }

  /** Earliest time a call may start, or WAIT_FOR_CHANGE while a probe is outstanding. */
  readyAt (now: number): number {
    if (this.pausedUntil > now) return this.pausedUntil
    if (this.needsProbe && this.probeInFlight) return WAIT_FOR_CHANGE
    return Math.max(now, this.lastStartAt + this.spacingMs)
  }

  start (now: number): boolean {
    this.lastStartAt = now
    this.inFlight++
    this.callsStarted++
    const isProbe = this.needsProbe && !this.probeInFlight
    if (isProbe) this.probeInFlight = true
    return isProbe
  }

  /**
   * The call got an answer. A throttle keeps the probe requirement (the governor then pauses
   * the bucket again with a longer backoff); any other answer means the bucket is healthy.
   */
  settle (wasProbe: boolean, throttled: boolean): void {
    this.inFlight = Math.max(0, this.inFlight - 1)
    if (wasProbe) this.probeInFlight = false
    if (throttled) return
    if (wasProbe) this.needsProbe = false
    if (!this.needsProbe) this.consecutiveThrottles = 0
  }

  /** The call ended without an answer (timeout, network): let another call probe. */
  abandon (wasProbe: boolean): void {
    this.inFlight = Math.max(0, this.inFlight - 1)
    if (wasProbe) this.probeInFlight = false
  }

  pause (until: number, reason: string): void {
    if (until > this.pausedUntil) this.pausedUntil = until
    this.pauseReason = reason
    this.needsProbe = true
  }

  snapshot (now: number): BucketSnapshot {
    let state: BucketState = 'open'
    if (this.pausedUntil > now) state = 'paused'
    else if (this.needsProbe) state = 'probing'
    else if (this.spacingMs > 0) state = 'slowed'
    return {
      key: this.key,
      kind: this.kind,
      objectId: this.objectId,
      type: this.type,
      state,
      usagePct: this.usagePct,
      pausedUntil: this.pausedUntil > now ? this.pausedUntil : null,
      pauseReason: state === 'paused' || state === 'probing' ? this.pauseReason : null,
      spacingMs: this.spacingMs,
      consecutiveThrottles: this.consecutiveThrottles,
      waiting: this.waiting,
      inFlight: this.inFlight,
      callsStarted: this.callsStarted,
      throttleEvents: this.throttleEvents,
      rejected: this.rejected
    }
  }
}

export function bucKey (objectId: string, type: string): string {
  return `buc:${objectId}:${type}`
}

export function newBucket (key: string): GovernorBucket {
  const [kind, objectId, type] = key.split(':') as [string, string | undefined, string | undefined]
  if (kind === 'buc') return new GovernorBucket(key, 'buc', objectId ?? null, type ?? null)
  if (kind === 'ad_account') return new GovernorBucket(key, 'ad_account', objectId ?? null, null)
  return new GovernorBucket(key, 'app', null, null)
}
