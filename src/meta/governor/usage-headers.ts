import { z } from 'zod'

// Parsers for the rate-limit usage headers (docs/meta-graph-api.md §5.2). Percentages are whole numbers but
// third-party parsers also see numeric strings, so values are coerced. A missing or malformed
// header means "no information", never an error: endpoints only send them under load.

export interface AppUsage {
  callCount: number
  totalTime: number
  totalCputime: number
}

export interface BucUsage extends AppUsage {
  /** Object id as keyed by Meta, with any `act_` prefix removed. */
  objectId: string
  type: string
  /** Minutes until the bucket is no longer throttled (§5.2). */
  etaMinutes: number
  accessTier: string | null
}

export interface AdAccountUsage {
  utilPct: number
  /** Seconds (§5.2), unlike the BUC header's minutes. */
  resetSeconds: number
  accessTier: string | null
}

export interface UsageReport {
  app: AppUsage | null
  buc: BucUsage[]
  adAccount: AdAccountUsage | null
}

const pct = z.coerce.number().catch(0)

const AppUsageSchema = z.object({
  call_count: pct.default(0),
  total_time: pct.default(0),
  total_cputime: pct.default(0)
})

const BucEntrySchema = AppUsageSchema.extend({
  type: z.string(),
  estimated_time_to_regain_access: pct.default(0),
  ads_api_access_tier: z.string().optional()
})

const BucHeaderSchema = z.record(z.string(), z.array(BucEntrySchema))

const AdAccountSchema = z.object({
  acc_id_util_pct: pct.default(0),
  reset_time_duration: pct.default(0),
  ads_api_access_tier: z.string().optional()
})

function parseJson (raw: string | null | undefined): unknown {
  if (raw === null || raw === undefined || raw === '') return undefined
  try {
    return JSON.parse(raw)
  } catch {
    return undefined
  }
}

export function stripActPrefix (id: string): string {
  return id.startsWith('act_') ? id.slice(4) : id
}

export function parseAppUsage (raw: string | null | undefined): AppUsage | null {
  const parsed = AppUsageSchema.safeParse(parseJson(raw))
  if (!parsed.success) return null
  const v = parsed.data
  return { callCount: v.call_count, totalTime: v.total_time, totalCputime: v.total_cputime }
}

export function parseBucUsage (raw: string | null | undefined): BucUsage[] {
  const parsed = BucHeaderSchema.safeParse(parseJson(raw))
  if (!parsed.success) return []
  return Object.entries(parsed.data).flatMap(([objectId, entries]) => entries.map(e => ({
    objectId: stripActPrefix(objectId),
    type: e.type,
    callCount: e.call_count,
    totalTime: e.total_time,
    totalCputime: e.total_cputime,
    etaMinutes: e.estimated_time_to_regain_access,
    accessTier: e.ads_api_access_tier ?? null
  })))
}

export function parseAdAccountUsage (raw: string | null | undefined): AdAccountUsage | null {
  const parsed = AdAccountSchema.safeParse(parseJson(raw))
  if (!parsed.success) return null
  const v = parsed.data
  return {
    utilPct: v.acc_id_util_pct,
    resetSeconds: v.reset_time_duration,
    accessTier: v.ads_api_access_tier ?? null
  }
}

/** Reads all three headers from a header getter (fetch `Headers` or a batch entry's list). */
export function parseUsageHeaders (get: (name: string) => string | null | undefined): UsageReport {
  return {
    app: parseAppUsage(get('x-app-usage')),
    buc: parseBucUsage(get('x-business-use-case-usage')),
    adAccount: parseAdAccountUsage(get('x-ad-account-usage'))
  }
}

/** The highest of the usage percentages, which is what Meta throttles on (§5.2). */
export function peakUsage (usage: AppUsage): number {
  return Math.max(usage.callCount, usage.totalTime, usage.totalCputime)
}
