import type { PgBoss } from 'pg-boss'
import type { SecretBox } from '../crypto/secret-box.js'
import type { MetaClientFactory } from '../provisioning/adapters/meta-clients.js'
import type { ReconcileQueue } from '../provisioning/jobs/queue.js'
import type { ReconcileNow } from '../provisioning/person-traces.js'
import { AdminError } from './admin-errors.js'

/**
 * The provisioning runtime's pieces the admin API needs (src/provisioning/runtime.ts): sealing
 * secrets, enqueueing reconciles, calling Meta, reading the job queue.
 */
export interface AdminProvisioning {
  box: SecretBox
  queue: ReconcileQueue
  clients: MetaClientFactory
  boss: PgBoss
  /** One reconcile of a person now, with its trace. */
  reconcileNow: ReconcileNow
}

/** Routes that write or call Meta answer 503 in a process built without the runtime (tools, tests). */
export function requireProvisioning (p: AdminProvisioning | undefined): AdminProvisioning {
  if (p === undefined) throw new AdminError(503, 'unavailable', 'the provisioning runtime is not available in this process')
  return p
}
