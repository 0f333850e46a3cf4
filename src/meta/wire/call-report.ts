import type { MetaErrorClass } from '../vocabulary/error-table.js'

// What the client tells an observer about each Graph call (metrics, src/metrics/types.ts).
// meta/ knows no metrics library: whoever builds the client passes `onCall` and decides.

/** How a Graph call ended: `success`, its error class, or `not_sent` (the governor held it). */
export type MetaCallOutcome = 'success' | MetaErrorClass | 'not_sent'

export interface MetaCallReport {
  /** The client's endpoint string, e.g. `POST /v26.0/123/business_users`: ids still in it. */
  endpoint: string
  outcome: MetaCallOutcome
  /** Wall time of the HTTP exchange, when one happened. */
  durationSeconds?: number
}

/** Told once per HTTP exchange, per call the governor refused, and per batch operation. */
export type MetaCallObserver = (report: MetaCallReport) => void
