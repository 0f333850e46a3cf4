import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { TenantHealthSample } from '../metrics/types.js'
import type { GovernorSnapshot } from '../meta/index.js'
import { listTenantIds } from '../tenants/tenants-repository.js'
import { tenantHealth } from './tenant-health.js'

/**
 * Tenants by health for /metrics. Evaluating a tenant takes several queries, so the counts are
 * kept for `maxAgeMs` between scrapes (Prometheus scrapes every 15–60 s; health moves slower).
 */
export function tenantHealthSampler (
  db: Kysely<DB>, governor: (() => GovernorSnapshot) | undefined, maxAgeMs = 60_000
) {
  let cached: { at: number, sample: TenantHealthSample } | undefined
  return async (): Promise<TenantHealthSample> => {
    const now = Date.now()
    if (cached !== undefined && now - cached.at < maxAgeMs) return cached.sample
    const sample: TenantHealthSample = { healthy: 0, degraded: 0, failing: 0 }
    for (const id of await listTenantIds(db, 1000)) sample[(await tenantHealth({ db, governor }, id)).status] += 1
    cached = { at: now, sample }
    return sample
  }
}
