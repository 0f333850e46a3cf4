import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { DB } from '../db/schema.js'
import { lastRunStarts } from './runs-repository.js'
import { tenantSchedules } from './settings-repository.js'
import type { SyncService } from './sync-service.js'

export interface SyncSchedulerOptions {
  db: Kysely<DB>
  service: SyncService
  /** How often to look for due tenants. */
  tickMs?: number
  now?: () => Date
  logger?: Logger
}

/**
 * Starts each tenant's sync when its schedule says so. Every replica may run one: the run
 * table's unique index lets only one start a tenant's sync, and a run that just started (in
 * any replica) makes the tenant not due until its interval has passed again.
 */
export class SyncScheduler {
  #timer: NodeJS.Timeout | undefined
  #ticking: Promise<string[]> | undefined

  constructor (private readonly options: SyncSchedulerOptions) {}

  start (): void {
    if (this.#timer !== undefined) return
    this.#timer = setInterval(() => { void this.tick() }, this.options.tickMs ?? 30_000)
    this.#timer.unref()
  }

  /** Stops ticking and waits for the runs this process started. */
  async stop (): Promise<void> {
    clearInterval(this.#timer)
    this.#timer = undefined
    await this.#ticking
    await this.options.service.drain()
  }

  /** One pass: starts every due tenant's sync; returns the tenants it started. */
  async tick (): Promise<string[]> {
    if (this.#ticking !== undefined) return await this.#ticking
    this.#ticking = this.#tick().finally(() => { this.#ticking = undefined })
    return await this.#ticking
  }

  async #tick (): Promise<string[]> {
    const { db, service } = this.options
    const now = (this.options.now ?? (() => new Date()))().getTime()
    const started: string[] = []
    try {
      const last = await lastRunStarts(db)
      for (const { tenantId, scheduleMinutes } of await tenantSchedules(db)) {
        if (scheduleMinutes === 0) continue
        const previous = last.get(tenantId)?.getTime()
        if (previous !== undefined && previous > now - scheduleMinutes * 60_000) continue
        // A tenant without a Meta connection has nothing to sync; do not fill its history with failures.
        if ((await service.ports.loadMetaConnection(tenantId)) === undefined) continue
        const outcome = await service.start(tenantId, 'schedule')
        if ('started' in outcome) started.push(tenantId)
      }
    } catch (err) {
      this.options.logger?.error({ err }, 'sync scheduler tick failed')
    }
    return started
  }
}
