import type { CallScope, ThrottleFacts } from './governor-types.js'
import type { UsageReport } from './usage-headers.js'

const APP_CODES = new Set([4, 341])
const CALLER_CODES = new Set([17, 613, 368])
const ADS_LEGACY_SUBCODE = 2446079

function isBucCode (code: number): boolean {
  return code === 32 || (code >= 80000 && code <= 80014)
}

/**
 * Which buckets a throttle error closes (reference §5.3, §5.4):
 * - 4 / 341 are app-wide limits: the `app` bucket.
 * - 17 / 613 / 368 hit whoever made the call: `app` for platform calls, else the call's BUC
 *   bucket; 17 with subcode 2446079 is the legacy per-ad-account limit.
 * - 32 and 80000–80014 are BUC throttles: the call's own bucket and every bucket the usage
 *   header reports as exhausted. The rate-limiting doc says the header is keyed by "the ID of
 *   the business associated with the token" while its samples key it by object ids, so a header
 *   naming only other ids must not leave the throttled object's own bucket open.
 */
export function pausePlan (
  scope: CallScope,
  report: UsageReport,
  throttle: ThrottleFacts
): string[] {
  const own = scope.objectId !== undefined && scope.bucType != null
    ? `buc:${scope.objectId}:${scope.bucType}`
    : null
  const primary = own ?? (scope.adAccountId !== undefined ? `ad_account:${scope.adAccountId}` : 'app')
  const { code, subcode } = throttle

  if (APP_CODES.has(code)) return ['app']
  if (code === 17 && subcode === ADS_LEGACY_SUBCODE && scope.adAccountId !== undefined) {
    return [`ad_account:${scope.adAccountId}`]
  }
  if (CALLER_CODES.has(code)) return scope.platform ? ['app'] : [primary]
  if (isBucCode(code)) {
    const exhausted = report.buc
      .filter(e => e.etaMinutes > 0 || Math.max(e.callCount, e.totalTime, e.totalCputime) >= 100)
      .map(e => `buc:${e.objectId}:${e.type}`)
    return [...new Set([primary, ...exhausted])]
  }
  return [primary]
}
