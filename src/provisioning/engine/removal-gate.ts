import type { Transaction } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { Step } from './reconcile-types.js'

/** A removal the engine is about to execute (the brake decides whether it may). */
export interface RemovalRequest {
  tenantId: string
  /** null for a person the IdP does not know (the sync's "remove unmanaged members"). */
  userId: string | null
  email: string | null
  step: Step
  /** What triggered it (the job's reason). */
  cause: string
  /**
   * The caller's open transaction, when it holds one (the sync): the gate writes in it, since
   * on the embedded database (one connection) a second transaction would wait forever.
   */
  trx?: Transaction<DB>
}

export type RemovalDecision = { hold: false } | { hold: true, why: string }

/**
 * The seam for the removal brake: consulted before every step `isRemoval` (plan.ts)
 * names: cancelling an invite, removing a member, demoting an admin. A held step is neither
 * executed nor retried; it is audited as `held`, and the next reconcile plans it again only if
 * the person is still not entitled (level-triggered), so a held removal whose person became
 * entitled again disappears by itself.
 */
export interface RemovalGate {
  review: (request: RemovalRequest) => Promise<RemovalDecision>
  /**
   * Reconcile planned no removal for this person now (they are entitled again, or already
   * gone): a gate that keeps held removals drops theirs (level-triggered cleanup).
   */
  settled?: (tenantId: string, userId: string) => Promise<void>
}

export const allowAllRemovals: RemovalGate = {
  review: async () => ({ hold: false })
}
