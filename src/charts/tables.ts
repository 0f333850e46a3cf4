import type { Timestamp } from '../db/column-types.js'

// The chart history (migrations/20261203T001200Z-chart-samples.ts).

/** One sampling round; its primary key is the claim that lets one replica take it. */
export interface ChartSampleRoundsTable {
  at: Date
  taken_by: string
}

/** A tenant's reconcile queue at a round, stored only while it has unfinished jobs. */
export interface QueueSamplesTable {
  tenant_id: string
  at: Timestamp
  depth: number
  oldest_age_seconds: number | null
}

/** One rate-limit bucket a tenant's calls run under, at a round. */
export interface RateLimitSamplesTable {
  tenant_id: string
  at: Timestamp
  bucket: string
  usage_pct: number | null
  paused_until: Date | null
}

export interface ChartTables {
  chart_sample_rounds: ChartSampleRoundsTable
  queue_samples: QueueSamplesTable
  rate_limit_samples: RateLimitSamplesTable
}
