import type { Kysely } from 'kysely'
import type { SecretBox } from '../../crypto/secret-box.js'
import type { DB } from '../../db/schema.js'
import type { BusinessRole } from '../../meta/index.js'
import type { ObservedPerson, SyncPorts } from '../../sync/ports.js'
import { listAccessRules } from '../../tenants/access-rules-repository.js'
import { getMetaSettings, loadMetaCredentials } from '../../tenants/meta-settings.js'
import { writeAudit } from '../records/audit-repository.js'
import { desiredForUsers } from '../engine/desired-bulk.js'
import type { ManualStep } from '../engine/reconcile-types.js'
import { findPeople, savePerson, type PersonPatch, type PersonRecord } from '../records/people-repository.js'
import type { ReconcileQueue } from '../jobs/queue.js'
import type { MetaClientFactory } from './meta-clients.js'
import type { RemovalGate } from '../engine/removal-gate.js'
import { enqueueUnmanagedRemovals, type UnmanagedJob } from '../engine/unmanaged-removal.js'

/**
 * What the sync saw, as a record patch. Assets are kept only where the bridge manages them (an
 * access rule names the asset, or the bridge granted it): tasks someone gave by hand on an
 * asset no rule mentions are reported as drift by the sync, never taken away by a reconcile.
 */
function observedPatch (
  p: ObservedPerson, record: PersonRecord | undefined, managed: ReadonlySet<string>
): PersonPatch | undefined {
  const role = p.role as BusinessRole | null
  const keep = (a: { assetType: string, assetId: string }): boolean =>
    managed.has(`${a.assetType}:${a.assetId}`) || (record?.assets ?? []).some((r) => r.assetType === a.assetType && r.assetId === a.assetId)
  // What the record says about an asset the sync could not read stays as it was.
  const unreadable = new Set((p.unreadableAssets ?? []).map((a) => `${a.assetType}:${a.assetId}`))
  const kept = (record?.assets ?? []).filter((a) => unreadable.has(`${a.assetType}:${a.assetId}`))
  switch (p.state) {
    case 'active':
      return {
        businessUserId: p.businessUserId,
        inviteId: null,
        role,
        assets: [...p.assets.filter(keep).map((a) => withNarrowed(a, record)), ...kept],
        state: 'member',
        // Seen in Meta: an invitation sent without a known answer has settled (the mark exists
        // so that a reconcile looks for it, step-runner.ts).
        inviteAttemptedAt: null
      }
    case 'invited':
      return { inviteId: p.roleRequestId, businessUserId: null, role, assets: [], state: 'invited', inviteAttemptedAt: null }
    case 'invite_expired':
    case 'invite_declined':
      return {
        inviteId: null,
        businessUserId: null,
        role: null,
        assets: [],
        state: 'none',
        lastError: `the invitation ${p.state === 'invite_expired' ? 'expired' : 'was declined'}`,
        inviteAttemptedAt: null
      }
    case 'absent':
      if (record === undefined || (record.inviteId === null && record.businessUserId === null)) return undefined
      return { inviteId: null, businessUserId: null, role: null, assets: [], state: 'removed' }
  }
}

/**
 * What Meta reports on an asset, keeping the record's note of a narrowing already tried there
 * for the tasks Meta still reports: once a read shows them gone, the narrowing worked, and a
 * later widening by hand is narrowed again.
 */
function withNarrowed (a: ObservedPerson['assets'][number], record: PersonRecord | undefined): PersonRecord['assets'][number] {
  const tried = record?.assets.find((r) => r.assetType === a.assetType && r.assetId === a.assetId)?.narrowed ?? []
  const narrowed = tried.filter((t) => a.tasks.includes(t))
  return {
    assetType: a.assetType,
    assetId: a.assetId,
    tasks: [...a.tasks].sort(),
    ...(narrowed.length === 0 ? {} : { narrowed })
  }
}

/** Manual steps (pixel access to remove by hand) that this sync shows done: Meta no longer reports the access. */
function doneByHand (p: ObservedPerson, record: PersonRecord | undefined): ManualStep[] {
  return (record?.manualSteps ?? [])
    .filter((m) => !p.assets.some((a) => a.assetType === m.assetType && a.assetId === m.assetId))
}

function unchanged (patch: PersonPatch, record: PersonRecord | undefined): boolean {
  if (record === undefined) return false
  return (Object.keys(patch) as Array<keyof PersonPatch>)
    .every((k) => JSON.stringify(patch[k]) === JSON.stringify(record[k]))
}

export interface SyncPortsDeps {
  db: Kysely<DB>
  box: SecretBox
  /** Where the process's Meta clients point, reported as the tenant's connection. */
  clients: Pick<MetaClientFactory, 'graphUrl' | 'apiVersion'>
  queue: ReconcileQueue
  gate: RemovalGate
}

/** The provisioning engine's side of the sync (src/sync/ports.ts). */
export function createSyncPorts (deps: SyncPortsDeps): SyncPorts {
  return {
    loadMetaConnection: async (tenantId) => {
      const s = await loadMetaCredentials(deps.db, deps.box, tenantId)
      if (s.businessId === null || s.accessToken === null) return undefined
      return {
        graphUrl: deps.clients.graphUrl,
        graphUrlSetting: 'META_GRAPH_URL',
        apiVersion: deps.clients.apiVersion,
        accessToken: s.accessToken,
        appSecret: s.appSecret ?? undefined,
        businessId: s.businessId,
        identityMode: s.identityMode
      }
    },
    desiredAccess: async (db, tenantId, userIds) => {
      const desired = await desiredForUsers(db, tenantId, userIds)
      return new Map([...desired].map(([id, d]) => [id, { role: d.desired.role, assets: d.desired.assets }]))
    },
    updateObservedState: async (trx, tenantId, people, cause) => {
      const records = await findPeople(trx, tenantId, people.map((p) => p.userId))
      const managed = new Set((await listAccessRules(trx, tenantId)).flatMap((r) => r.assets.map((a) => `${a.assetType}:${a.assetId}`)))
      for (const p of people) {
        const record = records.get(p.userId)
        const observed = observedPatch(p, record, managed)
        const done = doneByHand(p, record)
        const patch = done.length === 0
          ? observed
          : { ...observed, manualSteps: record?.manualSteps.filter((m) => !done.includes(m)) ?? [] }
        if (patch === undefined || unchanged(patch, record)) continue
        await savePerson(trx, tenantId, p.userId, patch, record?.version ?? 0)
        if (done.length > 0) {
          const base = { tenantId, actor: 'sync', userId: p.userId, email: record?.email ?? null, reason: `sync ${cause.syncRunId}` }
          const message = 'done by hand: Meta no longer reports this access'
          await writeAudit(trx, done.map((m) => ({ ...base, action: m.action, outcome: 'applied' as const, detail: { assetType: m.assetType, assetId: m.assetId }, message })))
        }
      }
    },
    enqueueReconcile: async (trx, tenantId, userIds, cause) => {
      await deps.queue.enqueueUsers(trx, tenantId, userIds, `sync ${cause.syncRunId}`)
    },
    requestRemovals: async (trx, tenantId, people, cause) => {
      const settings = await getMetaSettings(trx, tenantId)
      const reason = `sync ${cause.syncRunId}: unmanaged ${people.length === 1 ? 'person' : 'people'}, policy "remove"`
      if (settings.identityMode === 'work_accounts') {
        await writeAudit(trx, people.map((p) => ({ tenantId, actor: 'sync', email: p.email, action: 'skip:remove_unmanaged', reason, outcome: 'skipped' as const, detail: { ...p }, message: 'work_accounts: the bridge does not remove people' })))
        return { accepted: 0, held: 0 }
      }
      const accepted: UnmanagedJob[] = []
      let held = 0
      for (const p of people) {
        const step = p.kind === 'member' ? { kind: 'remove' as const, businessUserId: p.metaId } : { kind: 'cancel_invite' as const, inviteId: p.metaId }
        const decision = await deps.gate.review({ tenantId, userId: null, email: p.email, step, cause: reason, trx })
        if (decision.hold) {
          held++
          await writeAudit(trx, { tenantId, actor: 'sync', email: p.email, action: step.kind, reason, outcome: 'held', detail: { ...p }, message: decision.why })
        } else accepted.push({ tenantId, kind: p.kind, metaId: p.metaId, email: p.email, cause: reason })
      }
      await enqueueUnmanagedRemovals(deps.queue.boss, trx, accepted)
      return { accepted: accepted.length, held }
    }
  }
}
