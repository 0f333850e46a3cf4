import type { BusinessRole } from '../../meta/index.js'
import type { GraphCallTrace } from '../adapters/meta-trace.js'
import type { Found, LookupMode } from '../adapters/meta-people-listing.js'
import type { PersonRecord } from '../records/people-repository.js'
import type { PersonState } from '../records/tables.js'
import type { DesiredResult } from './desired.js'
import { manualStepsOf } from './plan.js'
import type { AssetAccess, ManualStep, Plan, Step } from './reconcile-types.js'

// What one reconcile of a person did, step by step, the way Entra's "provision on demand"
// shows it (docs/provisioning.md, "Reconcile traces"): the IdP record read, the desired access
// and why, the match in Meta, the plan, each Graph call, the result. Names are snake_case: the
// trace is stored and served as it is built.

/** Who started the reconcile. */
export type TraceTrigger = 'queue' | 'reconcile_now' | 'dry_run'

/** The user as the directory had it: no secrets, no password, no SCIM extension blocks. */
export interface TraceIdpRecord {
  found: boolean
  user_name: string | null
  active: boolean | null
  email: string | null
  groups: string[]
  roles: string[]
}

export interface TraceDesired {
  role: BusinessRole | null
  assets: AssetAccess[]
  /** Which rule or attribute decided the role (desired.ts). */
  why: string
}

/** The email looked up in Meta before inviting (adopt-before-invite), or why it was not. */
export interface TraceMatch {
  /** How Meta was asked; null when it was not asked. */
  looked_up: LookupMode | null
  /** What Meta answered, or where the bridge's own record stands when Meta was not asked. */
  found: 'member' | 'invited' | 'absent'
  business_user_id: string | null
  invite_id: string | null
  role: BusinessRole | null
  note: string
}

export interface TracePlan {
  steps: Step[]
  waiting_assets: AssetAccess[]
  manual_steps: ManualStep[]
}

/** A removal the brake held (docs/removal-brake.md). */
export interface TraceHold {
  step: Step
  why: string
}

export interface TraceResult {
  /** What the queue did with the job (reconcile.ts JobOutcome), or `error` when it threw. */
  outcome: 'done' | 'retry' | 'parked' | 'error'
  message: string | null
  /** The person's record after the reconcile; null when none exists. */
  state: PersonState | null
  role: BusinessRole | null
  invite_id: string | null
  business_user_id: string | null
  last_error: string | null
  last_error_code: number | null
}

export interface ReconcileTrace {
  idp: TraceIdpRecord | null
  desired: TraceDesired | null
  /** One per plan round (a replan looks again). */
  matches: TraceMatch[]
  /** One per plan round. */
  plans: TracePlan[]
  holds: TraceHold[]
  calls: GraphCallTrace[]
  result: TraceResult
}

/** Collects a trace while the engine runs; the engine calls it only where it already decides. */
export class TraceRecorder {
  idp: TraceIdpRecord | null = null
  desired: TraceDesired | null = null
  readonly matches: TraceMatch[] = []
  readonly plans: TracePlan[] = []
  readonly holds: TraceHold[] = []
  /** Filled by the tracing fetch (adapters/meta-trace.ts collectingCalls). */
  readonly calls: GraphCallTrace[] = []
  /**
   * The person's record as this reconcile last wrote it: where it left them, for the trace's
   * result, without reading the record back.
   */
  lastSaved: PersonRecord | undefined

  noteSaved (record: PersonRecord): void {
    this.lastSaved = record
  }

  noteDesired (idp: TraceIdpRecord, desired: DesiredResult): void {
    this.idp = idp
    this.desired = { role: desired.role, assets: desired.assets, why: desired.why }
  }

  noteLookup (mode: LookupMode, found: Found, note: string): void {
    this.matches.push({
      looked_up: mode,
      found: found.kind,
      business_user_id: found.kind === 'member' ? found.businessUserId : null,
      invite_id: found.kind === 'invited' ? found.inviteId : null,
      role: found.kind === 'absent' ? null : found.role,
      note
    })
  }

  /** Meta was not asked: the bridge's own record says where the person stands. */
  noteNoLookup (record: PersonRecord, note: string): void {
    const found = record.businessUserId !== null ? 'member' : record.inviteId !== null ? 'invited' : 'absent'
    this.matches.push({
      looked_up: null,
      found,
      business_user_id: record.businessUserId,
      invite_id: record.inviteId,
      role: record.role,
      note
    })
  }

  notePlan (plan: Plan): void {
    this.plans.push({ steps: plan.steps, waiting_assets: plan.waitingAssets, manual_steps: manualStepsOf(plan.steps) })
  }

  noteHold (step: Step, why: string): void {
    this.holds.push({ step, why })
  }

  finish (result: TraceResult): ReconcileTrace {
    return {
      idp: this.idp,
      desired: this.desired,
      matches: this.matches,
      plans: this.plans,
      holds: this.holds,
      calls: this.calls,
      result
    }
  }
}
