import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { BusinessRole } from '../../meta/index.js'
import type { DB } from '../../db/schema.js'
import { setConnectionStatus } from '../../tenants/meta-settings.js'
import { loadUserWithGroups } from '../../directory/users-service.js'
import { writeAudit } from '../records/audit-repository.js'
import { desiredAccess, emailOf, type DesiredResult } from './desired.js'
import { classifyFailure } from './failure-classes.js'
import { lookupByEmail } from '../adapters/meta-people-listing.js'
import { actionLabel, unsentOutcome, type ProvisioningMetrics } from '../adapters/metrics-sink.js'
import { presenceOf, type Plan } from './reconcile-types.js'
import {
  emptyRecord, findPerson, savePerson, StaleRecordError, type PersonRecord
} from '../records/people-repository.js'
import { isRemoval, manualStepsOf, plan } from './plan.js'
import { storedPlanOf, type StoredPlan } from '../records/stored-plan.js'
import type { ReconcileJob } from '../jobs/queue.js'
import type { RemovalGate } from './removal-gate.js'
import {
  adoptPatch, audit, DEFAULT_UNKNOWN_OUTCOME, runSteps, save, type RunContext, type RunResult, type UnknownOutcomePolicy
} from './step-runner.js'
import type { TenantContext } from '../adapters/tenant-context.js'
import type { TraceIdpRecord, TraceRecorder } from './reconcile-trace.js'

export interface ReconcileDeps {
  db: Kysely<DB>
  gate: RemovalGate
  logger: Logger
  unknownOutcome?: UnknownOutcomePolicy
  metrics?: ProvisioningMetrics
  /** Told what this reconcile read, decided and planned (engine/traced-reconcile.ts). */
  trace?: TraceRecorder
  /**
   * Plan and trace only: Meta is not asked and nothing is written (an admin's dry run of
   * "reconcile now"); the tenant context must be a dry-run one.
   */
  observeOnly?: boolean
}

/** What the queue should do with the job. */
export type JobOutcome =
  | { kind: 'done' }
  | { kind: 'retry', message: string }
  /** The tenant is disconnected: nothing was sent; reconnecting reconciles everyone. */
  | { kind: 'parked', message: string }
  /** Another reconcile of this person holds its lease: nothing ran; not a Meta failure. */
  | { kind: 'busy', message: string }

/**
 * Desired access and the address to use for one user, from the directory and the rules, and
 * the directory's record as a trace shows it.
 */
export async function desiredFor (
  db: Kysely<DB>, tenant: Pick<TenantContext, 'tenantId' | 'rules' | 'settings'>, userId: string,
  record: PersonRecord | undefined
): Promise<{ desired: DesiredResult, email: string | null, idp: TraceIdpRecord }> {
  const user = await loadUserWithGroups(db, tenant.tenantId, userId)
  const facts = user === undefined
    ? undefined
    : { active: user.active, roles: user.data.roles, groupNames: (user.groups ?? []).map((g) => g.displayName) }
  const desired = desiredAccess(facts, tenant.rules, tenant.settings.defaultRole)
  const email = user === undefined
    ? (record?.email ?? null)
    : emailOf(user.data, user.userName) ?? record?.email ?? null
  const idp: TraceIdpRecord = {
    found: user !== undefined,
    user_name: user?.userName ?? null,
    active: user?.active ?? null,
    email,
    groups: facts?.groupNames ?? [],
    roles: roleValues(user?.data.roles)
  }
  return { desired, email, idp }
}

/** SCIM `roles` values (RFC 7643 §4.1.2 multi-valued `value`), whatever the IdP's dialect. */
function roleValues (roles: unknown): string[] {
  if (!Array.isArray(roles)) return []
  return roles.flatMap((r: unknown) => {
    if (typeof r === 'string') return [r]
    const value = typeof r === 'object' && r !== null ? (r as { value?: unknown }).value : undefined
    return typeof value === 'string' ? [value] : []
  })
}

/** State after a plan ran: what its steps left, else where the person stands. */
function settledState (record: PersonRecord, ranSteps: boolean): PersonRecord['state'] {
  if (ranSteps) return record.state === 'failed' ? presenceState(record) : record.state
  return presenceState(record)
}

function presenceState (record: PersonRecord): PersonRecord['state'] {
  const presence = presenceOf(record)
  if (presence !== 'absent') return presence
  return record.state === 'failed' || record.state === 'invited' || record.state === 'member' ? 'none' : record.state
}

async function reconcileOnce (
  deps: ReconcileDeps, tenant: TenantContext, job: ReconcileJob, jobId: string | null
): Promise<JobOutcome> {
  const existing = await findPerson(deps.db, tenant.tenantId, job.userId)
  const { desired, email, idp } = await desiredFor(deps.db, tenant, job.userId, existing)
  deps.trace?.noteDesired(idp, desired)
  let record = existing ?? emptyRecord(tenant.tenantId, job.userId)
  const run = runContextOf(deps, tenant, job, jobId, email, desired.why)
  for (let round = 0; ; round++) {
    const adoption = await adoptBeforeInvite(run, record, desired.role)
    if (adoption.kind === 'wait') return { kind: 'retry', message: adoption.message }
    record = adoption.record
    const { identityMode: mode, inviteType, workAccountsInvite } = tenant.settings
    const p = plan({ desired, observed: record, mode, email, inviteType, workAccountsInvite })
    const lastPlan = storedPlanOf(p, desired)
    deps.trace?.notePlan(p)
    if (deps.observeOnly === true) return { kind: 'done' }
    if (round === 0 && !p.steps.some(isRemoval)) await deps.gate.settled?.(tenant.tenantId, job.userId)
    if (record.version === 0 && p.steps.length === 0) return { kind: 'done' }
    if (tenant.dryRun) return await recordDryRun(run, record, p, lastPlan)
    const result = await runSteps(run, p, record)
    record = result.record
    if (result.kind === 'replan' && round < 2) continue
    if (result.kind === 'retry') return { kind: 'retry', message: result.failure.message }
    if (result.kind === 'parked') return { kind: 'parked', message: result.failure.message }
    return await recordRunOutcome(run, result, p, lastPlan)
  }
}

function runContextOf (
  deps: ReconcileDeps, tenant: TenantContext, job: ReconcileJob, jobId: string | null, email: string | null, why: string
): RunContext {
  const unknownOutcome = deps.unknownOutcome ?? DEFAULT_UNKNOWN_OUTCOME
  const reason = `${job.reason === '' ? 'reconcile' : job.reason}; ${why}`
  return { ...deps, unknownOutcome, tenant, userId: job.userId, email, reason, jobId }
}

type Adoption = { kind: 'ready', record: PersonRecord } | { kind: 'wait', message: string }

/**
 * Before inviting, adopt an invitation or membership that already exists (docs/architecture.md).
 * `wait` while an invitation that got no answer may still land.
 */
async function adoptBeforeInvite (run: RunContext, record: PersonRecord, role: BusinessRole | null): Promise<Adoption> {
  const { tenant, email } = run
  const skipped = lookupSkipped(run, record, role)
  if (skipped !== null || email === null || tenant.members === null) {
    run.trace?.noteNoLookup(record, skipped ?? 'not looked up')
    return { kind: 'ready', record }
  }
  // After an invitation that got no answer, P6 is asked whether it landed, not the listing.
  const mode = record.inviteAttemptedAt === null ? 'listing' : 'invitation'
  const found = await lookupByEmail(tenant.members, email, mode)
  const note = found.kind === 'absent' ? 'not found by email: an invitation may go out' : 'found by email: adopted'
  run.trace?.noteLookup(mode, found, note)
  if (found.kind !== 'absent') {
    const adopted = await save(run, record, adoptPatch(found))
    await writeAudit(run.db, audit(run, { action: 'adopt', outcome: 'adopted', detail: { ...found } }))
    return { kind: 'ready', record: adopted }
  }
  const attempted = record.inviteAttemptedAt
  if (attempted !== null && Date.now() - attempted.getTime() < run.unknownOutcome.quarantineMs) {
    const message = `an invitation sent at ${attempted.toISOString()} got no answer; not sending another yet`
    return { kind: 'wait', message }
  }
  return { kind: 'ready', record }
}

/** Why Meta is not asked for the person's email before planning, or null when it is. */
function lookupSkipped (run: RunContext, record: PersonRecord, role: BusinessRole | null): string | null {
  const { tenant, email } = run
  const invites = tenant.settings.identityMode === 'facebook_profiles' || tenant.settings.workAccountsInvite
  if (tenant.dryRun) return 'dry run: Meta is not asked; from the bridge\'s record'
  if (!invites) return 'Work Accounts: the IdP\'s connection to Meta creates accounts; from the bridge\'s record'
  if (role === null) return 'no access desired: nothing to invite; from the bridge\'s record'
  const presence = presenceOf(record)
  if (presence !== 'absent') return `already ${presence} in the bridge's record`
  if (email === null) return 'the user has no email address'
  if (tenant.client === null || tenant.members === null) return 'no Meta client'
  return null
}

/** Dry run: the plan is counted, audited when it changed, and stored; nothing is sent. */
async function recordDryRun (
  run: RunContext, record: PersonRecord, p: Plan, lastPlan: StoredPlan
): Promise<JobOutcome> {
  for (const step of p.steps) run.metrics?.recordProvisioningAction(actionLabel(step), unsentOutcome(step))
  const previous = JSON.stringify(record.lastPlan?.steps ?? null)
  if (previous !== JSON.stringify(p.steps)) {
    const events = p.steps.map((step) => audit(run, { action: step.kind, outcome: 'dry_run', detail: { step } }))
    await writeAudit(run.db, events)
  }
  await save(run, record, { lastPlan, manualSteps: manualStepsOf(p.steps) })
  return { kind: 'done' }
}

/** After the steps ran: where the person stands, the failure or hold to show, the plan. */
async function recordRunOutcome (
  run: RunContext, result: Extract<RunResult, { kind: 'done' | 'replan' }>, p: Plan, lastPlan: StoredPlan
): Promise<JobOutcome> {
  const { record } = result
  const failure = result.kind === 'done' ? result.failure : null
  const held = result.kind === 'done' ? result.held : null
  await save(run, record, {
    state: failure !== null ? 'failed' : settledState(record, p.steps.length > 0),
    lastError: failure?.message ?? (held === null ? null : `held: ${held}`),
    lastErrorCode: failure?.code ?? null,
    lastPlan,
    manualSteps: manualStepsOf(p.steps)
  })
  return { kind: 'done' }
}

/**
 * Makes one person right (docs/architecture.md "How a change flows"): desired from the directory and the
 * rules, observed from the record, plan, apply, record. A record changed underneath by another
 * writer is re-read and the reconcile starts over; Meta errors escaping the step loop (a lookup
 * that failed) are classified like a step's.
 */
export async function reconcilePerson (
  deps: ReconcileDeps, tenant: TenantContext, job: ReconcileJob, jobId: string | null = null
): Promise<JobOutcome> {
  if (!tenant.dryRun && tenant.settings.connection.status === 'disconnected') {
    return { kind: 'parked', message: tenant.settings.connection.error ?? 'tenant disconnected' }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await reconcileOnce(deps, tenant, job, jobId)
    } catch (err) {
      if (err instanceof StaleRecordError && attempt < 3) continue
      const f = classifyFailure(err)
      if (f.kind === 'auth') {
        await setConnectionStatus(deps.db, tenant.tenantId, 'disconnected', `${f.code ?? ''} ${f.message}`.trim())
        return { kind: 'parked', message: f.message }
      }
      if (f.kind === 'failed' || f.kind === 'refused') {
        // A lookup Meta refuses outright (permissions, 2FA): say so on the person, do not loop.
        const record = await findPerson(deps.db, tenant.tenantId, job.userId)
        await savePerson(deps.db, tenant.tenantId, job.userId, { state: 'failed', lastError: f.message, lastErrorCode: f.code, lastTraceId: f.traceId }, record?.version ?? 0)
          .then((saved) => { deps.trace?.noteSaved(saved) },
            (e: unknown) => { if (!(e instanceof StaleRecordError)) throw e })
        return { kind: 'done' }
      }
      return { kind: 'retry', message: f.message }
    }
  }
}
