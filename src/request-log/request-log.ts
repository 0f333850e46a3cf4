import type { FastifyBaseLogger } from 'fastify'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { BoundedBuffer } from './bounded-buffer.js'
import type { CapturedRequest, LoggedRequest } from './entry.js'
import { toLoggedRequest } from './logged-request.js'
import { createMasker, type Masker } from './mask.js'
import { insertLoggedRequests, pruneTenant, tenantsWithRequests } from './scim-requests-repository.js'
import { runAsBackground } from '../db/work-priority.js'

export type DropReason = 'buffer_full' | 'write_failed'

export interface RequestLogSettings {
  enabled: boolean
  /** Requests held in memory waiting for a write; beyond it the oldest are dropped. */
  bufferSize: number
  /** Rows per INSERT. */
  batchSize: number
  flushIntervalMs: number
  retentionDays: number
  maxRowsPerTenant: number
  pruneIntervalMs: number
  /** Attribute names masked in bodies and filters, besides passwords, tokens and secrets. */
  maskAttributes: readonly string[]
}

export const defaultRequestLogSettings: RequestLogSettings = {
  enabled: true,
  bufferSize: 10_000,
  batchSize: 500,
  flushIntervalMs: 1_000,
  retentionDays: 30,
  maxRowsPerTenant: 100_000,
  pruneIntervalMs: 600_000,
  maskAttributes: []
}

export interface RequestLogDeps {
  db: Kysely<DB>
  settings: RequestLogSettings
  logger?: FastifyBaseLogger | undefined
  /** Counts requests that never reached the table. */
  onDrop?: ((reason: DropReason, count: number) => void) | undefined
  /** The clock of timestamps and retention (tests move it). */
  now?: (() => Date) | undefined
}

/**
 * The SCIM request log's writer: `record` only appends a captured request's facts to a bounded
 * in-memory buffer (never waits, never throws); a timer writes the buffer in batches, describing
 * and masking each request on the way (logged-request.ts), another prunes by age and by rows
 * per tenant. Losing rows under overload is acceptable and counted; slowing or failing an
 * IdP's request is not.
 */
export class RequestLog {
  readonly masker: Masker
  readonly now: () => Date
  /** The same clock in epoch milliseconds: the capture reads it without making a Date. */
  readonly nowMs: () => number
  readonly #buffer: BoundedBuffer<CapturedRequest>
  #flushing: Promise<void> | undefined
  #flushTimer: NodeJS.Timeout | undefined
  #pruneTimer: NodeJS.Timeout | undefined
  #closed = false

  constructor (private readonly deps: RequestLogDeps) {
    this.masker = createMasker(deps.settings.maskAttributes)
    const now = deps.now
    this.now = now ?? (() => new Date())
    this.nowMs = now === undefined ? Date.now : () => now().getTime()
    this.#buffer = new BoundedBuffer(deps.settings.bufferSize)
  }

  get settings (): RequestLogSettings { return this.deps.settings }

  /** Requests waiting to be written. */
  get pending (): number { return this.#buffer.size }

  /**
   * Starts the background writer and pruner (timers do not keep the process alive). Both are
   * background work: on the embedded database they yield to IdP requests (src/db/work-priority.ts),
   * and a full buffer drops and counts instead of slowing anyone down.
   */
  start (): void {
    if (this.#flushTimer !== undefined || this.#closed) return
    runAsBackground(() => {
      this.#flushTimer = setInterval(() => { void this.flush() }, this.deps.settings.flushIntervalMs)
      this.#flushTimer.unref()
      this.#pruneTimer = setInterval(() => { void this.prune().catch(() => {}) }, this.deps.settings.pruneIntervalMs)
      this.#pruneTimer.unref()
    })
  }

  record (entry: CapturedRequest): void {
    if (this.#closed) return
    if (this.#buffer.push(entry)) this.deps.onDrop?.('buffer_full', 1)
    // A full batch is written at once rather than waiting for the timer; as background work,
    // not as part of the request that happened to fill it (nor under its database deadline).
    if (this.#buffer.size === this.deps.settings.batchSize && this.#flushTimer !== undefined) {
      runAsBackground(() => { setImmediate(() => { void this.flushFullBatches() }) })
    }
  }

  /** Writes everything buffered; one writer at a time. Never throws: failures are counted. */
  async flush (): Promise<void> {
    await this.#flush(false)
  }

  /**
   * Writes only full batches and leaves a partial one for the timer. What a write of a full
   * batch costs the database is mostly per statement and per row; a writer that went on with
   * whatever arrived during its last INSERT would send a stream of small batches under load
   * (measured: about one INSERT per ten requests instead of one per batch, bench/findings.md).
   */
  async flushFullBatches (): Promise<void> {
    await this.#flush(true)
  }

  async #flush (fullOnly: boolean): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing
    if (this.#buffer.size === 0) return
    this.#flushing = this.#drain(fullOnly)
    try {
      await this.#flushing
    } finally {
      this.#flushing = undefined
    }
  }

  /**
   * Writes what was buffered when it began: requests captured during its INSERTs wait for the
   * next full batch or the next tick of the timer, so a busy log writes few, full batches.
   */
  async #drain (fullOnly: boolean): Promise<void> {
    const { batchSize } = this.deps.settings
    let due = fullOnly ? Infinity : this.#buffer.size
    const minimum = fullOnly ? batchSize : 1
    while (due > 0 && this.#buffer.size >= minimum) {
      const taken = this.#buffer.take(Math.min(batchSize, due))
      if (taken.length === 0) return
      due -= taken.length
      const rows = this.#described(taken)
      try {
        await insertLoggedRequests(this.deps.db, rows)
      } catch (err) {
        this.deps.onDrop?.('write_failed', rows.length)
        this.deps.logger?.warn({ err, rows: rows.length }, 'SCIM request log: batch not written')
        return
      }
    }
  }

  /** Described and masked; a request that cannot be (it should not happen) is dropped and counted. */
  #described (batch: readonly CapturedRequest[]): LoggedRequest[] {
    const rows: LoggedRequest[] = []
    for (const captured of batch) {
      try {
        rows.push(toLoggedRequest(captured, this.masker))
      } catch (err) {
        this.deps.onDrop?.('write_failed', 1)
        this.deps.logger?.warn({ err }, 'SCIM request log: request not described')
      }
    }
    return rows
  }

  /** Deletes rows past the retention age and beyond the rows-per-tenant cap. */
  async prune (): Promise<{ byAge: number, byCount: number }> {
    const { retentionDays, maxRowsPerTenant } = this.deps.settings
    const olderThan = new Date(this.now().getTime() - retentionDays * 86_400_000)
    const total = { byAge: 0, byCount: 0 }
    for (const { tenantId, exists } of await tenantsWithRequests(this.deps.db)) {
      // Rows of a tenant deleted while their batch was being written: all of them go.
      const r = exists
        ? await pruneTenant(this.deps.db, tenantId, olderThan, maxRowsPerTenant)
        : await pruneTenant(this.deps.db, tenantId, olderThan, 0)
      total.byAge += r.byAge
      total.byCount += r.byCount
    }
    if (total.byAge + total.byCount > 0) this.deps.logger?.info(total, 'SCIM request log pruned')
    return total
  }

  /** Stops the timers and writes what is buffered. */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#flushTimer)
    clearInterval(this.#pruneTimer)
    await this.flush()
  }
}
