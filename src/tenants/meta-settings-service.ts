import type { Kysely } from 'kysely'
import type { SecretBox } from '../crypto/secret-box.js'
import type { DB } from '../db/schema.js'
import type { AccessRule } from './access-rules.js'
import { replaceAccessRules } from './access-rules-repository.js'
import type { ReconcileRequester } from './meta-settings-env.js'
import { saveMetaSettings, setConnectionStatus, type MetaSettingsInput, type SaveResult } from './meta-settings.js'

// What the admin API calls to change a tenant's Meta settings and rules: the change and the
// reconciles it implies commit together (a rule change enqueues).

/** Saves settings; any change reconciles everyone (a new token also reconnects the tenant). */
export async function updateMetaSettings (
  db: Kysely<DB>, box: SecretBox, queue: ReconcileRequester, tenantId: string, input: MetaSettingsInput
): Promise<SaveResult> {
  return await db.transaction().execute(async (trx) => {
    const saved = await saveMetaSettings(trx, box, tenantId, input, 'admin')
    if (saved.changed) await queue.enqueueTenant(trx, tenantId, 'Meta settings changed')
    return saved
  })
}

/** Replaces the rules; members of the groups whose rule changed are reconciled. */
export async function updateAccessRules (
  db: Kysely<DB>, queue: ReconcileRequester, tenantId: string, rules: readonly AccessRule[]
): Promise<string[]> {
  return await db.transaction().execute(async (trx) => {
    const changed = await replaceAccessRules(trx, tenantId, rules)
    await queue.enqueueGroupNames(trx, tenantId, changed, 'access rules changed')
    return changed
  })
}

/** "Try again" after a disconnection (same token): everyone is reconciled, jobs resume. */
export async function reconnectTenant (db: Kysely<DB>, queue: ReconcileRequester, tenantId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await setConnectionStatus(trx, tenantId, 'unknown', null)
    await queue.enqueueTenant(trx, tenantId, 'reconnected')
  })
}
