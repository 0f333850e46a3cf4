import type { Clock } from '../governor/clock.js'
import { MetaApiError } from '../vocabulary/errors.js'

/**
 * §4.3: transient errors (codes 1, 2, 3919, `is_transient`, timeouts) get a few retries with
 * jittered exponential backoff, 2 s / 8 s / 32 s (capped at 30 s) by default.
 */
export interface RetryPolicy {
  retries: number
  baseDelayMs: number
  factor: number
  maxDelayMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3, baseDelayMs: 2000, factor: 4, maxDelayMs: 30_000
}

export interface RetryContext {
  policy: RetryPolicy
  clock: Clock
  random: () => number
  /**
   * Only idempotent calls are retried here. A write without an idempotent outcome (an invite)
   * is left to the caller, which must re-read before trying again (§4.3: no idempotency keys).
   */
  idempotent: boolean
  signal?: AbortSignal
  onRetry?: (error: MetaApiError, attempt: number, delayMs: number) => void
}

export function backoffDelay (policy: RetryPolicy, attempt: number, random: () => number): number {
  const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** (attempt - 1))
  return Math.round(full / 2 + random() * full / 2)
}

export async function withRetry<T> (fn: () => Promise<T>, ctx: RetryContext): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      const retry = err instanceof MetaApiError && err.errorClass === 'transient' &&
        ctx.idempotent && attempt <= ctx.policy.retries
      if (!retry) throw err
      const delay = backoffDelay(ctx.policy, attempt, ctx.random)
      ctx.onRetry?.(err, attempt, delay)
      await ctx.clock.sleep(delay, ctx.signal)
    }
  }
}
