import { setImmediate as nextTurn } from 'node:timers/promises'
import type { RawBuilder } from 'kysely'
import { PgBoss, type Queue } from 'pg-boss'
import type pg from 'pg'
import { z } from 'zod'
import { poolDatabase } from './queue-db.js'
import type { Executor } from '../../db/executor.js'
import { groupMemberIdsSql, memberIdsOfGroupNamesSql } from '../../directory/members-repository.js'
import { tenantUserIdsSql } from '../../directory/users-repository.js'
import { tenantPeopleIdsSql } from '../records/people-repository.js'
import { insertJobsFrom, insertJobsSql, QUEUE_SCHEMA, unionSql, userIdsSql } from './queue-repository.js'

export const RECONCILE_QUEUE = 'reconcile-user'
/** Ids per enqueue statement. */
const ENQUEUE_CHUNK = 1_000
export { QUEUE_SCHEMA }

/** A job says "make this person right", never "send this call" (docs/architecture.md "How a change flows"). */
export const reconcileJobSchema = z.object({ tenantId: z.string(), userId: z.string(), reason: z.string().default('') })
export type ReconcileJob = z.infer<typeof reconcileJobSchema>

/** One pending job per person: writes coalesce, a write during a run yields one more run. */
export const reconcileKey = (tenantId: string, userId: string): string => `${tenantId}:${userId}`

/**
 * `stately`: at most one queued and one active job per key. Retries back off from 5 s to
 * 15 min over ~30 attempts (about five hours) before the job fails for good; the heartbeat lets
 * the supervisor hand a killed process's job to another worker within seconds.
 */
export const RECONCILE_QUEUE_OPTIONS: Omit<Queue, 'name'> = {
  policy: 'stately',
  retryLimit: 30,
  retryDelay: 5,
  retryBackoff: true,
  retryDelayMax: 900,
  expireInSeconds: 900,
  heartbeatSeconds: 10,
  deleteAfterSeconds: 86_400
}

export interface BossOptions {
  pool: pg.Pool
  engine: 'pglite' | 'postgres'
  /** Worker roles supervise (expire lost heartbeats, delete old jobs); API-only replicas do not. */
  supervise: boolean
  superviseIntervalSeconds?: number
  instanceName?: string
}

/** A pg-boss instance on the application's pool; `start()` installs or upgrades its schema. */
export function createBoss (options: BossOptions): PgBoss {
  const embedded = options.engine === 'pglite'
  return new PgBoss({
    db: poolDatabase(options.pool),
    backend: embedded ? 'pglite' : 'postgres',
    schema: QUEUE_SCHEMA,
    schedule: false,
    supervise: options.supervise,
    superviseIntervalSeconds: options.superviseIntervalSeconds ?? 5,
    // Lost heartbeats are failed (and retried) by the monitor pass, which runs at most this often
    // per queue across all instances: a killed process's jobs come back within ~20 s, not 60.
    monitorIntervalSeconds: 10,
    instanceName: options.instanceName ?? 'scim-meta-bridge',
    // Index rebuilds and vacuum checks are server concerns; the embedded database has neither.
    reindex: !embedded,
    monitorVacuum: !embedded
  })
}

/** Creates the queue, or brings its options up to date. */
export async function ensureReconcileQueue (boss: PgBoss): Promise<string> {
  const existing = await boss.getQueue(RECONCILE_QUEUE)
  if (existing === null) await boss.createQueue(RECONCILE_QUEUE, RECONCILE_QUEUE_OPTIONS)
  else {
    // Policy, heartbeat and the retry cap are fixed at creation (pg-boss UpdateQueueOptions).
    const { retryLimit, retryDelay, retryBackoff, expireInSeconds, deleteAfterSeconds } = RECONCILE_QUEUE_OPTIONS
    await boss.updateQueue(
      RECONCILE_QUEUE, { retryLimit, retryDelay, retryBackoff, expireInSeconds, deleteAfterSeconds }
    )
  }
  const queue = await boss.getQueue(RECONCILE_QUEUE)
  if (queue === null) throw new Error(`queue ${RECONCILE_QUEUE} was not created`)
  return queue.table
}

/**
 * Enqueues reconciles inside the caller's transaction (`fromKysely(trx)`), so a rollback drops
 * them and a commit cannot lose them. Sets of people (a group's members, a tenant) go in one
 * INSERT … SELECT into pg-boss's job table with the queue's own defaults, so a 50,000-member
 * group is one statement and no ids travel through the process.
 */
export class ReconcileQueue {
  constructor (readonly boss: PgBoss, private readonly table: string) {}

  static async open (boss: PgBoss): Promise<ReconcileQueue> {
    return new ReconcileQueue(boss, await ensureReconcileQueue(boss))
  }

  async enqueueUsers (exec: Executor, tenantId: string, userIds: readonly string[], reason: string): Promise<void> {
    const ids = [...new Set(userIds)]
    // One plain statement per chunk with the ids as an array parameter: no JSON recordset to
    // build and parse per request (POST /Users is on the IdP's hot path, bench/findings.md §2).
    // A 10,000-member PATCH enqueues in chunks with an event-loop turn between them: on the
    // embedded database each statement holds the thread (src/db/connection-gate.ts).
    for (let start = 0; start < ids.length; start += ENQUEUE_CHUNK) {
      if (start > 0) await nextTurn()
      const chunk = ids.slice(start, start + ENQUEUE_CHUNK)
      await this.insertFrom(exec, reason, userIdsSql(tenantId, chunk))
    }
  }

  /** Every current member of the group (called before memberships are deleted). */
  async enqueueGroupMembers (exec: Executor, tenantId: string, groupId: string, reason: string): Promise<void> {
    await this.insertFrom(exec, reason, groupMemberIdsSql(tenantId, groupId))
  }

  /** Members of the groups with these display names, ignoring case (an access rule changed). */
  async enqueueGroupNames (
    exec: Executor, tenantId: string, groupNames: readonly string[], reason: string
  ): Promise<void> {
    if (groupNames.length === 0) return
    await this.insertFrom(exec, reason, memberIdsOfGroupNamesSql(tenantId, groupNames))
  }

  /** Everyone: each user, and each person the bridge knows in Meta whose user was deleted. */
  async enqueueTenant (exec: Executor, tenantId: string, reason: string): Promise<void> {
    await this.insertFrom(exec, reason, unionSql(tenantUserIdsSql(tenantId), tenantPeopleIdsSql(tenantId)))
  }

  /** The enqueue of the `(tenant_id, user_id)` rows of `source`, as a statement for the caller to run. */
  enqueueSql (source: RawBuilder<unknown>, reason: string): RawBuilder<unknown> {
    return insertJobsSql(this.table, RECONCILE_QUEUE, reason, source)
  }

  private async insertFrom (exec: Executor, reason: string, source: RawBuilder<unknown>): Promise<void> {
    await insertJobsFrom(exec, this.table, RECONCILE_QUEUE, reason, source)
  }
}
