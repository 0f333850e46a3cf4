import { hostname } from 'node:os'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { runAsBackground } from '../db/work-priority.js'
import type { BucketSnapshot, GovernorSnapshot } from '../meta/index.js'
import { RECONCILE_QUEUE } from '../provisioning/jobs/queue.js'
import { liveJobsByTenant } from '../provisioning/jobs/queue-repository.js'
import { snapshotAssetIds } from '../sync/snapshot-repository.js'
import { getMetaSettings } from '../tenants/meta-settings.js'
import { listTenantIds } from '../tenants/tenants-repository.js'
import {
  claimRound, insertQueueSamples, pruneRounds, pruneTenantSamples, tenantsWithSamples, upsertRateLimitSamples,
  type RateLimitSampleInput
} from './history-repository.js'

/** CHART_SAMPLE_*: how often the history is sampled and how long it is kept. */
export interface ChartSampleSettings {
  intervalSeconds: number
  retentionDays: number
}

export const defaultChartSampleSettings: ChartSampleSettings = { intervalSeconds: 60, retentionDays: 14 }

interface Log { warn: (obj: object, msg: string) => void, info: (obj: object, msg: string) => void }

export interface HistorySamplerDeps {
  db: Kysely<DB>
  settings: ChartSampleSettings
  /** This process's governor; absent where no Meta client runs. */
  governor?: (() => GovernorSnapshot) | undefined
  /** The clock of rounds and retention (tests move it). */
  now?: (() => Date) | undefined
  logger?: Log | undefined
  /** Names this process in the rounds it takes. */
  instance?: string | undefined
}

export interface SampleResult {
  at: Date
  /** This process took the round: it wrote the queue samples (and pruned, once an hour). */
  took: boolean
  queueRows: number
  rateLimitRows: number
  pruned: number
}

const HOUR_MS = 3_600_000
/** How long after a round begins its tick runs: clocks of replicas differ by a little. */
const ROUND_SETTLE_MS = 2_000
const DAY_MS = 86_400_000
/** Which tenant owns which Meta objects changes with a sync or a settings change; read it this often. */
const OWNERS_TTL_MS = 600_000
const TENANT_LIMIT = 1000

const bareId = (id: string): string => id.replace(/^act_/, '')

/**
 * Samples what the console's history charts show (docs/operations.md §11): every interval, on
 * a round aligned to the clock, the first replica to claim the round (its primary key) writes
 * each tenant's queue depth and oldest job age with one statement over the queue's unfinished
 * jobs, and prunes once an hour. The governor's buckets live in each process's memory, so every
 * process adds its own buckets to the round, and the stored row keeps the higher usage and the
 * later pause end. Background work: on the embedded database it yields to requests.
 */
export class HistorySampler {
  readonly #now: () => Date
  readonly #instance: string
  #timer: NodeJS.Timeout | undefined
  #stopped = false
  #running: Promise<SampleResult | undefined> | undefined
  #owners: { at: number, byTenant: Map<string, Set<string>> } | undefined

  constructor (private readonly deps: HistorySamplerDeps) {
    this.#now = deps.now ?? (() => new Date())
    this.#instance = deps.instance ?? `${hostname()}:${process.pid}`
  }

  start (): void {
    if (this.#timer !== undefined || this.#stopped) return
    runAsBackground(() => { this.#schedule() })
  }

  /**
   * The next tick a little after the next round begins, rather than a fixed interval from now:
   * a timer that drifts would now and then land twice in one round and miss the next.
   */
  #schedule (): void {
    const intervalMs = this.deps.settings.intervalSeconds * 1000
    const wait = intervalMs - (Date.now() % intervalMs) + Math.min(ROUND_SETTLE_MS, intervalMs / 2)
    this.#timer = setTimeout(() => {
      void this.sample().finally(() => { if (!this.#stopped) this.#schedule() })
    }, wait)
    this.#timer.unref()
  }

  async stop (): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#running
  }

  /** One round; one at a time. Never throws: a failed round is logged and is a gap in the charts. */
  async sample (): Promise<SampleResult | undefined> {
    if (this.#running !== undefined) return await this.#running
    this.#running = this.#sample().finally(() => { this.#running = undefined })
    return await this.#running
  }

  async #sample (): Promise<SampleResult | undefined> {
    const { db } = this.deps
    const intervalMs = this.deps.settings.intervalSeconds * 1000
    const now = this.#now()
    const at = new Date(Math.floor(now.getTime() / intervalMs) * intervalMs)
    try {
      const result: SampleResult = { at, took: false, queueRows: 0, rateLimitRows: 0, pruned: 0 }
      result.rateLimitRows = await upsertRateLimitSamples(db, at, await this.#bucketRows(now))
      result.took = await claimRound(db, at, this.#instance)
      if (!result.took) return result
      result.queueRows = await insertQueueSamples(db, at, await liveJobsByTenant(db, RECONCILE_QUEUE))
      // The first round of each hour prunes: once an hour is plenty for a 14-day retention.
      if (at.getTime() % HOUR_MS < intervalMs) result.pruned = await this.prune()
      return result
    } catch (err) {
      this.deps.logger?.warn({ err }, 'chart history: sample not taken')
      return undefined
    }
  }

  /** Deletes samples and rounds older than the retention. */
  async prune (): Promise<number> {
    const { db, settings } = this.deps
    const olderThan = new Date(this.#now().getTime() - settings.retentionDays * DAY_MS)
    let pruned = 0
    for (const tenantId of await tenantsWithSamples(db)) pruned += await pruneTenantSamples(db, tenantId, olderThan)
    pruned += await pruneRounds(db, olderThan)
    if (pruned > 0) this.deps.logger?.info({ pruned }, 'chart history pruned')
    return pruned
  }

  /**
   * This process's buckets that have something to say (a usage reported, or a pause), for each
   * tenant whose calls run under them: the app's bucket for every connected tenant, a business
   * or asset bucket for the tenant that has that business or asset (as the tenant health does).
   */
  async #bucketRows (now: Date): Promise<RateLimitSampleInput[]> {
    const snapshot = this.deps.governor?.()
    if (snapshot === undefined) return []
    const live = snapshot.buckets.filter((b) => b.usagePct !== null || (b.pausedUntil ?? 0) > snapshot.at)
    if (live.length === 0) return []
    const rows: RateLimitSampleInput[] = []
    for (const [tenantId, objects] of await this.#ownersAt(now.getTime())) {
      for (const b of live) {
        if (!appliesTo(b, objects)) continue
        const pausedUntil = b.pausedUntil !== null && b.pausedUntil > snapshot.at ? new Date(b.pausedUntil) : null
        rows.push({ tenantId, bucket: b.key, usagePct: b.usagePct, pausedUntil })
      }
    }
    return rows
  }

  /** Connected tenants and the Meta objects (business, assets) each one's calls touch. */
  async #ownersAt (nowMs: number): Promise<Map<string, Set<string>>> {
    if (this.#owners !== undefined && nowMs - this.#owners.at < OWNERS_TTL_MS) return this.#owners.byTenant
    const { db } = this.deps
    const byTenant = new Map<string, Set<string>>()
    for (const tenantId of await listTenantIds(db, TENANT_LIMIT)) {
      const { businessId } = await getMetaSettings(db, tenantId)
      if (businessId === null) continue
      const assets = await snapshotAssetIds(db, tenantId)
      byTenant.set(tenantId, new Set([bareId(businessId), ...assets.map(bareId)]))
    }
    this.#owners = { at: nowMs, byTenant }
    return byTenant
  }
}

function appliesTo (b: BucketSnapshot, objects: ReadonlySet<string>): boolean {
  return b.kind === 'app' || (b.objectId !== null && objects.has(bareId(b.objectId)))
}
