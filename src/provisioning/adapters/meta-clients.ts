import { createHash } from 'node:crypto'
import {
  createMetaClient, MetaGovernor, type MetaCallObserver, type MetaClient, type MetaClientOptions
} from '../../meta/index.js'
import type { MetaCredentials } from '../../tenants/meta-settings.js'
import { tracingFetch } from './meta-trace.js'

export interface MetaClientFactoryOptions {
  graphUrl: string
  apiVersion: string
  timeoutMs: number
  /** One governor per process, shared by every tenant's client (meta/governor/governor.ts). */
  governor?: MetaGovernor
  /** Tests: fast retries, a manual clock, the simulator's fetch. */
  overrides?: Partial<MetaClientOptions>
  /** Told how every Graph call of every tenant's client ended (metrics). */
  onCall?: MetaCallObserver
}

export interface MetaClientFactory {
  readonly governor: MetaGovernor
  /** A client for the tenant's current credentials; null when it has none. */
  forTenant: (settings: MetaCredentials) => MetaClient | null
}

/**
 * Clients per tenant, rebuilt when the tenant's business, token or secret change. A worker
 * waits at most 5 s for a paused rate-limit bucket: past that the job is retried later by the
 * queue rather than holding a worker slot (the governor still sends nothing while paused).
 */
export function createMetaClientFactory (options: MetaClientFactoryOptions): MetaClientFactory {
  const governor = options.governor ?? new MetaGovernor()
  const cache = new Map<string, { fingerprint: string, client: MetaClient }>()
  const fetch = tracingFetch(options.overrides?.fetch ?? globalThis.fetch)
  return {
    governor,
    forTenant (settings) {
      if (settings.businessId === null || settings.accessToken === null) return null
      const fingerprint = createHash('sha256')
        .update(`${settings.businessId}\n${settings.accessToken}\n${settings.appSecret ?? ''}`).digest('hex')
      const cached = cache.get(settings.tenantId)
      if (cached?.fingerprint === fingerprint) return cached.client
      const client = createMetaClient({
        graphUrl: options.graphUrl,
        graphUrlSetting: 'META_GRAPH_URL',
        apiVersion: options.apiVersion,
        timeoutMs: options.timeoutMs,
        maxGovernorWaitMs: 5_000,
        // One quick retry in the client; longer waits belong to the queue's backoff, which
        // does not hold a worker slot (meta-graph-api.md §4.3).
        retry: { retries: 1 },
        ...options.overrides,
        accessToken: settings.accessToken,
        businessId: settings.businessId,
        appSecret: settings.appSecret ?? undefined,
        governor,
        fetch,
        onCall: options.onCall
      })
      cache.set(settings.tenantId, { fingerprint, client })
      return client
    }
  }
}
