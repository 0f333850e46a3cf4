import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { DB } from '../../db/schema.js'
import { setConnectionStatus } from '../../tenants/meta-settings.js'
import { applyStep, type Applied } from './apply-step.js'
import { writeAudit, type AuditEvent } from '../records/audit-repository.js'
import { classifyFailure, type Failure } from './failure-classes.js'
import { lookupByEmail, type Found, type MemberDirectory } from '../adapters/meta-people-listing.js'
import { traced } from '../adapters/meta-trace.js'
import { actionLabel, unsentOutcome, type ProvisioningMetrics } from '../adapters/metrics-sink.js'
import type { Plan, Step } from './reconcile-types.js'
import { savePerson, savePersonAudited, type PersonPatch, type PersonRecord } from '../records/people-repository.js'
import { isRemoval } from './plan.js'
import type { RemovalGate } from './removal-gate.js'
import type { TenantContext } from '../adapters/tenant-context.js'
import type { TraceRecorder } from './reconcile-trace.js'

export interface RunContext {
  db: Kysely<DB>
  gate: RemovalGate
  logger: Logger
  tenant: TenantContext
  userId: string
  email: string | null
  /** Why this reconcile runs and what the desired access says (audit `reason`). */
  reason: string
  jobId: string | null
  unknownOutcome: UnknownOutcomePolicy
  /** Each step processed is counted here (`scim_bridge_provisioning_actions_total`). */
  metrics?: ProvisioningMetrics
  /** The reconcile's trace: lookups and brake holds (engine/reconcile-trace.ts). */
  trace?: TraceRecorder
}

/**
 * An invitation that got no answer may still land (§4.3: no idempotency keys). The job looks
 * again a few times before giving up, and no second invitation goes out for `quarantineMs`:
 * a re-read too early would miss an invitation Meta is still creating.
 */
export interface UnknownOutcomePolicy {
  settleChecks: number
  settleMs: number
  quarantineMs: number
  sleep: (ms: number) => Promise<void>
}

export const DEFAULT_UNKNOWN_OUTCOME: UnknownOutcomePolicy = {
  settleChecks: 3,
  settleMs: 2_000,
  quarantineMs: 120_000,
  sleep: async (ms) => { await new Promise((resolve) => setTimeout(resolve, ms)) }
}

/** How a plan's execution ended. */
export type RunResult =
  | { kind: 'done', record: PersonRecord, failure: Failure | null, held: string | null }
  | { kind: 'replan', record: PersonRecord }
  | { kind: 'retry', record: PersonRecord, failure: Failure }
  | { kind: 'parked', record: PersonRecord, failure: Failure }

export async function save (run: RunContext, record: PersonRecord, patch: PersonPatch): Promise<PersonRecord> {
  const saved = await savePerson(
    run.db, run.tenant.tenantId, run.userId, { email: run.email ?? record.email, ...patch }, record.version
  )
  run.trace?.noteSaved(saved)
  return saved
}

/** `save` and its audit event, written together or not at all. */
async function saveAudited (
  run: RunContext, record: PersonRecord, patch: PersonPatch, event: AuditEvent
): Promise<PersonRecord> {
  const saved = await savePersonAudited(
    run.db, run.tenant.tenantId, run.userId, { email: run.email ?? record.email, ...patch }, record.version, event
  )
  run.trace?.noteSaved(saved)
  return saved
}

export function audit (run: RunContext, event: Omit<AuditEvent, 'tenantId' | 'actor' | 'userId' | 'email' | 'reason'> & { reason?: string }): AuditEvent {
  return { tenantId: run.tenant.tenantId, actor: 'provisioning', userId: run.userId, email: run.email, reason: run.reason, ...event, detail: { ...event.detail, jobId: run.jobId } }
}

const actionOf = (step: Step): string => {
  if (step.kind === 'skip' || step.kind === 'blocked') return `${step.kind}:${step.action}`
  return step.kind === 'manual' ? step.action : step.kind
}

/** What a Meta lookup found, as a record patch (adopting an existing member or invitation). */
export function adoptPatch (found: Exclude<Found, { kind: 'absent' }>): PersonPatch {
  return found.kind === 'member'
    ? { businessUserId: found.businessUserId, inviteId: null, role: found.role, assets: [], state: 'member', inviteAttemptedAt: null }
    : { inviteId: found.inviteId, businessUserId: null, role: found.role, state: 'invited', inviteAttemptedAt: null }
}

/** The ids a step found missing are forgotten, so the next plan looks the person up again. */
function forgetMissing (step: Step): PersonPatch {
  if (step.kind === 'change_invite_role' || step.kind === 'cancel_invite') return { inviteId: null }
  return { businessUserId: null, assets: [] }
}

/** JSON with keys sorted: a step read back from jsonb has its keys in jsonb's order, not ours. */
function canonical (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value !== 'object' || value === null) return JSON.stringify(value)
  const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
}

function wasPlanned (record: PersonRecord, step: Step): boolean {
  const text = canonical(step)
  return record.lastPlan?.steps.some((s) => canonical(s) === text) ?? false
}

/** After an invitation without an answer: did it land after all? */
async function settleInvite (
  run: RunContext, email: string, record: PersonRecord, failure: Failure
): Promise<StepOutcome> {
  const { client, members } = run.tenant
  if (client === null || members === null) return { kind: 'retry', record, failure }
  for (let i = 0; i < run.unknownOutcome.settleChecks; i++) {
    await run.unknownOutcome.sleep(run.unknownOutcome.settleMs)
    const found = await lookupByEmail(members, email, 'invitation')
    run.trace?.noteLookup('invitation', found, 'after an invitation without an answer: did it land?')
    if (found.kind !== 'absent') return { kind: 'replan', record: await save(run, record, adoptPatch(found)) }
  }
  return { kind: 'retry', record, failure }
}

/**
 * How one step ended: `next` goes on to the following step, carrying what the final result
 * reports (the last failure, the last hold); the other kinds end the run.
 */
type StepOutcome =
  | { kind: 'next', record: PersonRecord, failure?: Failure, held?: string }
  | Exclude<RunResult, { kind: 'done' }>

/**
 * Runs the plan's steps in order, recording each one Meta accepted before the next, so a crash
 * between two steps loses nothing: the retry re-reads, re-plans and continues.
 */
export async function runSteps (run: RunContext, plan: Plan, start: PersonRecord): Promise<RunResult> {
  let record = start
  let failure: Failure | null = null
  let held: string | null = null
  for (const step of plan.steps) {
    const outcome = await runStep(run, record, step)
    if (outcome.kind !== 'next') return outcome
    record = outcome.record
    if (outcome.failure !== undefined) failure = outcome.failure
    if (outcome.held !== undefined) held = outcome.held
  }
  return { kind: 'done', record, failure, held }
}

async function runStep (run: RunContext, record: PersonRecord, step: Step): Promise<StepOutcome> {
  if (step.kind === 'manual') {
    await noteManualStep(run, record, step)
    return { kind: 'next', record }
  }
  if (step.kind === 'skip' || step.kind === 'blocked') return await recordUnsentStep(run, record, step)
  if (isRemoval(step)) {
    const held = await holdByGate(run, step)
    if (held !== null) return { kind: 'next', record, held }
  }
  return await sendStep(run, record, step)
}

/** Nothing to send: the record (saved with the plan) shows it until a read shows it done. */
async function noteManualStep (
  run: RunContext, record: PersonRecord, step: Extract<Step, { kind: 'manual' }>
): Promise<void> {
  run.metrics?.recordProvisioningAction(actionLabel(step), 'manual')
  if (!wasPlanned(record, step)) {
    await writeAudit(run.db, audit(run, { action: actionOf(step), outcome: 'manual', message: step.instruction, detail: { assetType: step.assetType, assetId: step.assetId } }))
  }
}

/** A step the plan skips (Work Accounts) or cannot take yet (blocked): recorded, audited once. */
async function recordUnsentStep (
  run: RunContext, start: PersonRecord, step: Extract<Step, { kind: 'skip' | 'blocked' }>
): Promise<StepOutcome> {
  run.metrics?.recordProvisioningAction(actionLabel(step), unsentOutcome(step))
  const repeated = wasPlanned(start, step)
  const record = await save(run, start, { state: step.kind === 'skip' ? 'skipped' : 'failed' })
  const failure: Failure | undefined = step.kind === 'blocked' ? { kind: 'failed', message: step.reason, code: null, traceId: null } : undefined
  if (!repeated) await writeAudit(run.db, audit(run, { action: actionOf(step), outcome: step.kind === 'skip' ? 'skipped' : 'failed', message: step.reason }))
  return { kind: 'next', record, failure }
}

/** Asks the removal brake about a removal: why it is held, or null when it may go ahead. */
async function holdByGate (run: RunContext, step: Step): Promise<string | null> {
  const decision = await run.gate.review({
    tenantId: run.tenant.tenantId, userId: run.userId, email: run.email, step, cause: run.reason
  })
  if (!decision.hold) return null
  run.trace?.noteHold(step, decision.why)
  run.metrics?.recordProvisioningAction(actionLabel(step), 'held')
  await writeAudit(run.db, audit(run, { action: actionOf(step), outcome: 'held', message: decision.why, detail: { step } }))
  return decision.why
}

/** Sends one step to Meta and records what it changed, or what its failure means. */
async function sendStep (run: RunContext, start: PersonRecord, step: Step): Promise<StepOutcome> {
  const { client, members } = run.tenant
  if (client === null || members === null) throw new Error('steps that call Meta need a client (dry run is handled before)')
  let record = start
  let accepted = false
  // Write-ahead: the mark is saved before Meta is asked, so a crash between Meta creating the
  // invitation and our save of its id leaves a record that says "look before inviting again"
  // (reconcile.ts reads P6 by email, never a cached listing, while the mark is set).
  if (step.kind === 'invite') record = await save(run, record, { inviteAttemptedAt: new Date() })
  try {
    const { value, traceId } = await traced(async () => await applyStep(
      client, members, step, record.assets, { email: run.email ?? record.email }
    ))
    accepted = true
    run.metrics?.recordProvisioningAction(actionLabel(step), value.replan === undefined ? 'applied' : 'skipped')
    const accepting = acceptedAudit(run, step, value, traceId)
    record = await saveAudited(run, record, { ...value.patch, lastTraceId: traceId }, accepting)
    if (value.replan !== undefined) return { kind: 'replan', record }
    await confirmConnected(run)
    return { kind: 'next', record }
  } catch (err) {
    return await recordFailedStep(run, record, step, members, classifyFailure(err), accepted)
  }
}

function acceptedAudit (run: RunContext, step: Step, value: Applied, traceId: string | null): AuditEvent {
  if (value.replan === undefined) return audit(run, { action: actionOf(step), outcome: 'applied', detail: value.detail, metaTraceId: traceId })
  return audit(run, {
    action: actionOf(step),
    outcome: value.replan.outcome,
    message: value.replan.message,
    detail: value.detail,
    metaTraceId: traceId
  })
}

/** The first step Meta accepts proves the tenant's token works. */
async function confirmConnected (run: RunContext): Promise<void> {
  if (run.tenant.confirmedConnected) return
  run.tenant.confirmedConnected = true
  await setConnectionStatus(run.db, run.tenant.tenantId, 'connected', null)
}

/** What a failed step means for the run: retry, adopt, park the tenant, re-plan or go on. */
async function recordFailedStep (
  run: RunContext, record: PersonRecord, step: Step, members: MemberDirectory, f: Failure, accepted: boolean
): Promise<StepOutcome> {
  // Every attempt Meta did not accept; a step retried later counts again when it runs.
  if (!accepted) run.metrics?.recordProvisioningAction(actionLabel(step), 'failed')
  // Meta answered: no invitation was made, so the write-ahead mark goes. Without an answer it stays.
  const answered = step.kind === 'invite' && f.unknownOutcome !== true ? { inviteAttemptedAt: null } : {}
  const error = { lastError: f.message, lastErrorCode: f.code, lastTraceId: f.traceId, ...answered }
  if (f.kind === 'retry') {
    run.logger.warn({ userId: run.userId, step: step.kind, code: f.code, fbtraceId: f.traceId, err: f.message }, 'meta step failed; will retry')
    if (step.kind === 'invite' && f.unknownOutcome === true) return await settleInvite(run, step.email, await save(run, record, { ...error, inviteAttemptedAt: new Date() }), f)
    return { kind: 'retry', record: await save(run, record, error), failure: f }
  }
  const adopted = await adoptRefusedInvite(run, record, step, members, f)
  if (adopted !== null) return adopted
  const outcome = f.kind === 'refused' ? 'refused' : 'failed'
  await writeAudit(run.db, audit(
    run,
    { action: actionOf(step), outcome, errorCode: f.code, message: f.message, metaTraceId: f.traceId, detail: { step } }
  ))
  if (f.kind === 'auth') return { kind: 'parked', record: await disconnectTenant(run, record, f, error), failure: f }
  if (f.kind === 'not_found') return { kind: 'replan', record: await save(run, record, forgetMissing(step)) }
  return { kind: 'next', record: await save(run, record, error), failure: f }
}

/**
 * Meta refuses an invitation for someone already there (§4.2, exact error [U]), e.g. added or
 * invited by someone else since the directory's listing: adopt them, with Meta's answer on the
 * adoption rather than as a failure. Null when this is not such a refusal.
 */
async function adoptRefusedInvite (
  run: RunContext, record: PersonRecord, step: Step, members: MemberDirectory, f: Failure
): Promise<StepOutcome | null> {
  if (step.kind !== 'invite' || run.email === null || (f.kind !== 'failed' && f.kind !== 'refused')) return null
  const found = await lookupByEmail(members, run.email, 'fresh')
  run.trace?.noteLookup('fresh', found, 'Meta refused the invitation: is the person already there?')
  if (found.kind === 'absent') return null
  await writeAudit(run.db, audit(run, { action: 'adopt', outcome: 'adopted', errorCode: f.code, message: f.message, metaTraceId: f.traceId, detail: { ...found } }))
  return { kind: 'replan', record: await save(run, record, adoptPatch(found)) }
}

/** The token is refused: every job of the tenant would fail the same way; they wait. */
async function disconnectTenant (
  run: RunContext, record: PersonRecord, f: Failure, error: PersonPatch
): Promise<PersonRecord> {
  const { tenant } = run
  if (await setConnectionStatus(run.db, tenant.tenantId, 'disconnected', `${f.code ?? ''} ${f.message}`.trim())) {
    run.logger.error({ tenantId: tenant.tenantId, code: f.code, fbtraceId: f.traceId }, 'meta refused the access token; tenant disconnected')
  }
  return await save(run, record, error)
}
