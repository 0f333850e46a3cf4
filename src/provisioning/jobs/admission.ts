import type { Clock, Headroom } from '../../meta/index.js'

/**
 * How many reconcile jobs run at once in this process, from the rate governor's headroom
 * (docs/provisioning.md "Worker concurrency"): up to `max` while Meta's bucket is cool, tapering
 * to `min` as its usage nears the governor's pause point, none while it is paused. Meta's usage
 * headers are the shared state: every replica calling with the same app reads the same usage
 * (meta-graph-api.md §5.2), so they all narrow together without talking to each other.
 */
export interface AdmissionOptions {
  /** Most jobs in flight (WORKER_CONCURRENCY). */
  max: number
  /** Fewest jobs in flight while the bucket is open: one call at least keeps the usage fresh. */
  min?: number
  /**
   * Usage points below the governor's `slowAt` from which the limit tapers (default 0: below
   * `slowAt` every lane runs, since a worker short of lanes cannot refill the window as old calls
   * leave it; above it the governor spaces calls, and more jobs than the spacing lets through
   * within the client's wait limit would only wait there and fail).
   */
  taperPoints?: number
  /** The limit rises by one job at most this often (shrinking is immediate). */
  growEveryMs?: number
  /**
   * A pause ending later than this is not waited out here: the job goes on, the governor refuses
   * its call without sending it and the queue retries the job after its backoff, so a job's lease
   * is not held for the minutes a throttle can last.
   */
  holdMs?: number
  /** How often a waiting job re-reads the headroom when no finished job wakes it. */
  recheckMs?: number
  clock: Clock
  /** The governor's headroom of the bucket the jobs' calls share (MetaGovernor.headroom). */
  headroom: () => Headroom
}

type Resolved = Required<Omit<AdmissionOptions, 'clock' | 'headroom'>>

/**
 * The limit a bucket's headroom allows, the smaller of two:
 * - `max` up to `slowAt - taperPoints`, then linearly down to `min` at `pauseAt`;
 * - the room left below `pauseAt` in steps (`stepPct`): calls already in flight land before
 *   their answers can say the bucket is full, so no more may fly than the room holds. With a big
 *   budget a step is a point at most and this only bites near the top; with a small one (each
 *   call several points) or with replicas calling in between, it narrows early.
 * 0 while the bucket is paused (unless the pause outlasts `holdMs`). Never below `min` otherwise.
 */
export function admissionCap (h: Headroom, now: number, o: Pick<Resolved, 'min' | 'max' | 'taperPoints' | 'holdMs'>): number {
  if (h.pausedUntil !== null && h.pausedUntil > now) return h.pausedUntil - now > o.holdMs ? o.max : 0
  const usage = h.usagePct ?? 0
  const from = h.slowAt - o.taperPoints
  let cap = o.max
  if (usage >= h.pauseAt) cap = o.min
  else if (usage > from) cap = o.min + Math.floor((o.max - o.min) * (h.pauseAt - usage) / (h.pauseAt - from))
  if (h.stepPct !== null && h.stepPct > 0) cap = Math.min(cap, Math.floor((h.pauseAt - usage) / h.stepPct))
  return Math.max(o.min, cap)
}

export class Admission {
  private readonly o: Resolved
  private current: number
  private lastGrowAt = Number.NEGATIVE_INFINITY
  private running = 0
  private wakers = new Set<() => void>()

  constructor (private readonly options: AdmissionOptions) {
    const max = Math.max(1, options.max)
    this.o = {
      max,
      min: Math.min(max, Math.max(1, options.min ?? 1)),
      taperPoints: options.taperPoints ?? 0,
      growEveryMs: options.growEveryMs ?? 100,
      holdMs: options.holdMs ?? 30_000,
      recheckMs: options.recheckMs ?? 100
    }
    this.current = this.o.min
    this.lastGrowAt = options.clock.now()
  }

  /** Jobs admitted and not yet released. */
  get active (): number {
    return this.running
  }

  /**
   * The limit now: it drops to the headroom's cap at once and climbs towards it by one job per
   * `growEveryMs`, so a cool bucket is approached in steps that each get a fresh usage reading.
   */
  limit (): number {
    const now = this.options.clock.now()
    const cap = admissionCap(this.options.headroom(), now, this.o)
    if (cap < this.current) {
      // Narrowed: growing again starts a full step later, on a fresh reading.
      this.current = cap
      this.lastGrowAt = now
    } else if (cap > this.current && now - this.lastGrowAt >= this.o.growEveryMs) {
      // From 0 (a pause just ended) the first step goes back to `min`.
      this.current = Math.min(cap, Math.max(this.o.min, this.current + 1))
      this.lastGrowAt = now
    }
    return this.current
  }

  /** Waits for room, then holds a place until the returned release is called. */
  async acquire (signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      signal?.throwIfAborted()
      if (this.running < this.limit()) {
        this.running++
        let released = false
        return () => {
          if (released) return
          released = true
          this.running--
          this.wake()
        }
      }
      await this.wait(signal)
    }
  }

  private async wait (signal?: AbortSignal): Promise<void> {
    const { clock } = this.options
    const h = this.options.headroom()
    const now = clock.now()
    const untilOpen = h.pausedUntil !== null && h.pausedUntil > now ? h.pausedUntil - now : Number.POSITIVE_INFINITY
    const timer = new AbortController()
    const onAbort = (): void => { timer.abort(signal?.reason) }
    signal?.addEventListener('abort', onAbort, { once: true })
    let wake: () => void = () => {}
    const woken = new Promise<void>((resolve) => { wake = resolve })
    this.wakers.add(wake)
    try {
      await Promise.race([clock.sleep(Math.min(this.o.recheckMs, untilOpen), timer.signal).catch(() => {}), woken])
    } finally {
      this.wakers.delete(wake)
      signal?.removeEventListener('abort', onAbort)
      timer.abort()
    }
  }

  private wake (): void {
    const wakers = this.wakers
    this.wakers = new Set()
    for (const w of wakers) w()
  }
}
