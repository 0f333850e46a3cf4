import { keyValues } from '../output.js'

type Row = [string, string | null]

/** keyValues with values of several lines indented under their first line. */
function stages (rows: Row[]): string {
  const indent = ' '.repeat(Math.max(...rows.map(([k]) => k.length)) + 2)
  return keyValues(rows.map(([k, v]) => [k, v?.split('\n').join(`\n${indent}`) ?? null]))
}

// How a reconcile trace (docs/provisioning.md, "Reconcile traces") reads in a terminal: one
// labelled line per stage, the Graph calls one per line.

interface Step { kind: string, [key: string]: unknown }

export interface Trace {
  id: string | null
  user_id: string
  trigger: string
  job_id: string | null
  dry_run: boolean
  started_at: string
  duration_ms: number
  idp: { found: boolean, user_name: string | null, active: boolean | null, groups: string[], roles: string[] } | null
  desired: {
    role: string | null, why: string, assets: Array<{ assetType: string, assetId: string, tasks: string[] }>
  } | null
  matches: Array<{ looked_up: string | null, found: string, note: string }>
  plans: Array<{
    steps: Step[], waiting_assets: Array<{ assetType: string, assetId: string }>, manual_steps: unknown[]
  }>
  holds: Array<{ step: Step, why: string }>
  calls: Array<{
    method: string
    path: string
    status: number | null
    outcome: string
    error_code: number | null
    error_subcode: number | null
    error_message: string | null
    trace_id: string | null
    duration_ms: number
  }>
  result: { outcome: string, message: string | null, state: string | null, last_error: string | null }
}

export const describeStep = (s: Step): string => {
  const { kind, ...rest } = s
  const detail = Object.entries(rest).filter(([, v]) => typeof v === 'string').map(([k, v]) => `${k}=${String(v)}`).join(' ')
  return detail === '' ? kind : `${kind} ${detail}`
}

function idpLine (idp: Trace['idp']): string {
  if (idp === null) return 'not read'
  if (!idp.found) return 'no such user (deleted)'
  const parts = [idp.user_name ?? '?', idp.active === true ? 'active' : 'inactive']
  if (idp.groups.length > 0) parts.push(`groups: ${idp.groups.join(', ')}`)
  if (idp.roles.length > 0) parts.push(`roles: ${idp.roles.join(', ')}`)
  return parts.join(', ')
}

function callLine (c: Trace['calls'][number]): string {
  const error = c.error_code === null
    ? ''
    : ` code ${c.error_code}${c.error_subcode === null ? '' : `/${c.error_subcode}`} ${c.error_message ?? ''}`.trimEnd()
  return `${c.method} ${c.path} ${c.status ?? 'no answer'}${error} ${c.duration_ms} ms trace ${c.trace_id ?? '-'}`
}

/** The whole trace, stage by stage. */
export function traceText (t: Trace): string {
  const plan = t.plans.map((p, i) => {
    const steps = p.steps.length === 0 ? 'nothing to do' : p.steps.map(describeStep).join('; ')
    const waiting = p.waiting_assets.map((a) => `${a.assetType} ${a.assetId}`).join(', ')
    return `${t.plans.length > 1 ? `round ${i + 1}: ` : ''}${steps}${waiting === '' ? '' : ` (waiting: ${waiting})`}`
  })
  const assets = t.desired?.assets.map((a) => `${a.assetType} ${a.assetId} [${a.tasks.join(',')}]`).join(', ') ?? ''
  return stages([
    ['trace', `${t.id ?? '(dry run, not stored)'} ${t.trigger}${t.job_id === null ? '' : ` job ${t.job_id}`}`],
    ['started', `${t.started_at} (${t.duration_ms} ms)${t.dry_run ? ', dry run' : ''}`],
    ['IdP record', idpLine(t.idp)],
    ['desired', t.desired === null ? null : `${t.desired.role ?? 'no access'}: ${t.desired.why}${assets === '' ? '' : `; ${assets}`}`],
    ['match', t.matches.map((m) => `${m.looked_up ?? 'not asked'} → ${m.found} (${m.note})`).join('; ') || null],
    ['plan', plan.join('\n') || null],
    ['held', t.holds.map((h) => `${describeStep(h.step)}: ${h.why}`).join('; ') || null],
    ['calls', t.calls.map(callLine).join('\n') || 'none'],
    ['result', [t.result.outcome, t.result.message, t.result.state === null ? null : `state ${t.result.state}`,
      t.result.last_error === null ? null : `last error: ${t.result.last_error}`].filter((x) => x !== null).join(', ')]
  ])
}
