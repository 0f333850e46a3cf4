import type { Logger } from 'pino'
import type { BackgroundPause } from '../db/guarded-pool.js'
import type { OverloadProbe } from './overload-probe.js'

export interface BackgroundSheddingOptions {
  /** OVERLOAD_BACKGROUND_EVENT_LOOP_DELAY_MS; 0 turns background pausing off. */
  maxEventLoopDelayMs: number
  /** OVERLOAD_MAX_HEAP_BYTES; background pauses at 90 % of it, before requests are shed. */
  maxHeapBytes: number
  log?: Logger
}

/** Longest a background acquisition waits, so heartbeats and queue upkeep still get through. */
const MAX_WAIT_MS = 5_000

/**
 * The first stage of load shedding: while the event loop lags past a limit well below the one
 * that sheds IdP requests (src/http/overload.ts), background work (the reconcile worker, the
 * queue's upkeep, scheduled syncs) waits before it takes a database connection, so requests
 * keep the process. Jobs wait in the queue; nothing is lost.
 */
export function backgroundShedding (
  probe: OverloadProbe, opts: BackgroundSheddingOptions
): BackgroundPause | undefined {
  if (opts.maxEventLoopDelayMs <= 0) return undefined
  let paused = false
  return {
    maxWaitMs: MAX_WAIT_MS,
    active: () => {
      const load = probe.current()
      const now = load.eventLoopDelayMs > opts.maxEventLoopDelayMs ||
        (opts.maxHeapBytes > 0 && load.heapUsedBytes > opts.maxHeapBytes * 0.9)
      if (now !== paused) {
        // Logged on change only.
        if (now) opts.log?.warn({ ...load }, 'overloaded: background work paused')
        else opts.log?.info({ ...load }, 'background work resumed')
        paused = now
      }
      return now
    }
  }
}
