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

/** Who calls: a reconcile job (the worker, the admin API) or a sync's import. */
export type MetaClientUse = 'reconcile' | 'sync'

/** The part of a tenant's credentials a client is built from. */
export type TenantCredentials = Pick<MetaCredentials, 'tenantId' | 'businessId' | 'accessToken' | 'appSecret'>

export interface MetaClientFactory {
  readonly governor: MetaGovernor
  /** Where every client points (META_GRAPH_URL, META_API_VERSION). */
  readonly graphUrl: string
  readonly apiVersion: string
  /** A client for the tenant's current credentials; null when it has none. */
  forTenant: (settings: TenantCredentials, use?: MetaClientUse) => MetaClient | null
}

/**
 * How each use waits and retries. A reconcile waits at most 5 s for a paused rate-limit bucket
 * and retries once: longer waits belong to the queue's backoff, which does not hold a worker
 * slot (meta-graph-api.md §4.3; the governor still sends nothing while paused). A sync has no
 * queue behind it: it waits for the bucket and keeps the client's usual retries.
 */
const USE_POLICY: Record<MetaClientUse, Partial<MetaClientOptions>> = {
  reconcile: { maxGovernorWaitMs: 5_000, retry: { retries: 1 } },
  sync: {}
}

/**
 * Clients per tenant and use, rebuilt when the tenant's business, token or secret change. Every
 * client of the process shares one governor, the timeout, the tracing fetch and the call
 * observer, whoever makes the call: the worker, the admin API or the sync.
 */
export function createMetaClientFactory (options: MetaClientFactoryOptions): MetaClientFactory {
  const governor = options.governor ?? new MetaGovernor()
  const cache = new Map<string, { fingerprint: string, client: MetaClient }>()
  const fetch = tracingFetch(options.overrides?.fetch ?? globalThis.fetch)
  return {
    governor,
    graphUrl: options.graphUrl,
    apiVersion: options.apiVersion,
    forTenant (settings, use = 'reconcile') {
      if (settings.businessId === null || settings.accessToken === null) return null
      const fingerprint = createHash('sha256')
        .update(`${settings.businessId}\n${settings.accessToken}\n${settings.appSecret ?? ''}`).digest('hex')
      const key = `${use}:${settings.tenantId}`
      const cached = cache.get(key)
      if (cached?.fingerprint === fingerprint) return cached.client
      const client = createMetaClient({
        graphUrl: options.graphUrl,
        graphUrlSetting: 'META_GRAPH_URL',
        apiVersion: options.apiVersion,
        timeoutMs: options.timeoutMs,
        ...USE_POLICY[use],
        ...options.overrides,
        accessToken: settings.accessToken,
        businessId: settings.businessId,
        appSecret: settings.appSecret ?? undefined,
        governor,
        fetch,
        onCall: options.onCall
      })
      cache.set(key, { fingerprint, client })
      return client
    }
  }
}
