import type { ColumnType, Generated, Selectable } from 'kysely'
import type { AssetGrantJson } from '../../tenants/provisioning-tables.js'
import type { Timestamp, NullableTimestamp } from '../../db/column-types.js'

type Json<T> = ColumnType<T, string, string>

export interface ManualStepJson {
  action: 'unassign'
  assetType: string
  assetId: string
  instruction: string
}
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>

/** What the bridge last knew of a person on the Meta side (docs/architecture.md "Storage"). */
export type PersonState = 'none' | 'invited' | 'member' | 'removed' | 'skipped' | 'failed'

/**
 * The observed-state record of one SCIM user in Meta: invite (business role request) id and
 * business-scoped user id (meta-graph-api.md §1.7, §8.1), role, tasks per asset, outcome of the
 * last reconcile. No foreign key to users: the record outlives a deleted user until Meta agrees.
 */
export interface MetaPeopleTable {
  tenant_id: string
  user_id: string
  email: string | null
  invite_id: string | null
  business_user_id: string | null
  role: string | null
  assets: Json<AssetGrantJson[]>
  state: PersonState
  last_error: string | null
  last_error_code: number | null
  last_trace_id: string | null
  /** The steps the last reconcile planned (what a dry run would have done). */
  last_plan: NullableJson<unknown>
  /** Changes Meta's API cannot make, waiting for an admin (reconcile-types.ts ManualStep). */
  manual_steps: ColumnType<ManualStepJson[], string | undefined, string>
  /** When an invitation was sent without an answer (timeout): the outcome is unknown (§4.3). */
  invite_attempted_at: NullableTimestamp
  /** Bumped on every write; writers compare it so a stale reconcile never overwrites a newer fact. */
  version: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
}

export type AuditOutcome = 'applied' | 'adopted' | 'skipped' | 'failed' | 'refused' | 'dry_run' | 'held' | 'retrying' | 'manual'

/** One action taken (or not) on Meta's side: who, what, why, outcome, Meta trace id, when. */
export interface AuditEventsTable {
  id: Generated<number>
  tenant_id: string
  at: Timestamp
  actor: string
  user_id: string | null
  email: string | null
  action: string
  reason: string
  outcome: AuditOutcome
  detail: Json<Record<string, unknown>>
  meta_trace_id: string | null
  error_code: number | null
  message: string | null
}

export interface ProvisioningTables {
  meta_people: MetaPeopleTable
  audit_events: AuditEventsTable
}

export type MetaPersonRow = Selectable<MetaPeopleTable>
export type AuditEventRow = Selectable<AuditEventsTable>

/** One reconcile of a person, as the engine traced it (engine/reconcile-trace.ts). */
export interface ReconcileTracesTable {
  id: Generated<string>
  tenant_id: string
  user_id: string
  trigger: string
  job_id: string | null
  dry_run: boolean
  outcome: string
  started_at: Timestamp
  duration_ms: number
  call_count: number
  trace: Json<unknown>
}

/** Who is reconciling a person right now (queue worker or "reconcile now"), until when. */
export interface ReconcileLeasesTable {
  tenant_id: string
  user_id: string
  holder: string
  expires_at: Timestamp
}

export interface ReconcileTraceTables {
  reconcile_traces: ReconcileTracesTable
  reconcile_leases: ReconcileLeasesTable
}

export type ReconcileTraceRow = Selectable<ReconcileTracesTable>
