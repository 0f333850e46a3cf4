import type { Clock } from './clock.js'
import type { BucketSnapshot } from './governor-bucket.js'
import type { UsageReport } from './usage-headers.js'

/** The parts of a rate-limit error the governor needs. */
export interface ThrottleFacts {
  code: number
  subcode: number | null
}

/** Which limits a call runs under (reference §5.1). */
export interface CallScope {
  /** Platform (app) limits apply: business management edges, or an asset without a BUC. */
  platform: boolean
  /** Object whose Business Use Case bucket governs the call (ad account without `act_`). */
  objectId?: string
  bucType?: string | null
  /** Set for ad-account calls, whose X-Ad-Account-Usage header has no object id (§5.2). */
  adAccountId?: string
}

export interface GovernorOptions {
  clock?: Clock
  random?: () => number
  /** §5.4 step 2: slow a bucket from this usage percentage... */
  slowAt?: number
  /** ...and pause it from this one. */
  pauseAt?: number
  /** Spacing between calls in a bucket just below `pauseAt` (scales linearly from `slowAt`). */
  maxSpacingMs?: number
  /** §5.4 steps 3–4: backoff when no time is advertised, 60 s doubling to 15 min. */
  backoffInitialMs?: number
  backoffMaxMs?: number
  /** Extra random share added to every pause so replicas do not return together. */
  jitterRatio?: number
  /** Longest a call waits for its bucket before failing fast with a rate-limited error. */
  maxWaitMs?: number
}

/**
 * How far one bucket is from Meta's limit, for callers that size their own concurrency
 * (the worker's admission, src/provisioning/jobs/admission.ts). The usage is what Meta's
 * last header said, so every process calling with the same app reads the same number.
 */
export interface Headroom {
  /** Last reported usage percentage (the highest of its counters), null if never reported. */
  usagePct: number | null
  /**
   * The largest recent rise of the usage from one answer to the next, null before two reports:
   * roughly what one call in flight adds (more when other replicas call in between).
   */
  stepPct: number | null
  /** While the bucket is paused: when it opens again; null when open. */
  pausedUntil: number | null
  /** The governor's thresholds, so a caller can taper before the bucket slows or pauses. */
  slowAt: number
  pauseAt: number
}

export interface GovernorSnapshot {
  at: number
  buckets: BucketSnapshot[]
}

/** A started call; `complete` feeds the answer back, `abandon` when there was none. */
export interface Permit {
  readonly keys: readonly string[]
  complete: (report: UsageReport, throttle: ThrottleFacts | null) => void
  abandon: () => void
}

export interface AcquireOptions {
  signal?: AbortSignal
  maxWaitMs?: number
  endpoint?: string
}
