import { monitorEventLoopDelay } from 'node:perf_hooks'
import { getHeapStatistics } from 'node:v8'

export interface ProcessLoad {
  /** Mean event-loop delay over the last sample window, in milliseconds. */
  eventLoopDelayMs: number
  heapUsedBytes: number
}

/** Where the overload guard reads the process load; tests inject a fixed one. */
export interface OverloadProbe {
  current: () => ProcessLoad
  stop: () => void
}

const RESOLUTION_MS = 10

/**
 * Samples the event-loop delay (perf_hooks histogram) and V8 heap once per interval on an
 * unref'd timer, so a request only reads two numbers. The histogram's timer fires every
 * RESOLUTION_MS, which it also records as delay: subtract it (as @fastify/under-pressure does).
 */
export function createProcessProbe (intervalMs = 1_000): OverloadProbe & { refresh: () => void } {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  histogram.enable()
  let load: ProcessLoad = { eventLoopDelayMs: 0, heapUsedBytes: 0 }

  const refresh = (): void => {
    const mean = histogram.mean / 1e6
    load = {
      // No samples yet (NaN): nothing measured, nothing to report.
      eventLoopDelayMs: Number.isFinite(mean) ? Math.max(0, mean - RESOLUTION_MS) : 0,
      heapUsedBytes: getHeapStatistics().used_heap_size
    }
    histogram.reset()
  }
  const timer = setInterval(refresh, intervalMs)
  timer.unref()

  return {
    current: () => load,
    refresh,
    stop: () => {
      clearInterval(timer)
      histogram.disable()
    }
  }
}
