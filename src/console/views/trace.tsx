import type { TraceView } from '../../provisioning/person-traces.js'
import { describeStep } from './steps.js'
import { Badge, DataTable, When, type Tone } from './components.js'

// One reconcile of a person, in the order Entra's "provision on demand" shows it: the IdP
// record read, the desired access and why, the match in Meta, the plan, each Graph call, the
// result (docs/console.md, "Person").

const outcomeTone = (outcome: string): Tone => outcome === 'done' ? 'ok' : outcome === 'error' ? 'bad' : 'warn'

const triggerLabel: Record<TraceView['trigger'], string> = {
  queue: 'the queue', reconcile_now: 'Reconcile now', dry_run: 'dry run'
}

export function TraceDetails (props: { trace: TraceView }) {
  const { trace } = props
  const idp = trace.idp
  return (
    <div class='trace'>
      <ol class='trace-steps'>
        <li>
          <strong>IdP record read.</strong>{' '}
          {idp === null || !idp.found
            ? 'No SCIM user: the person was deleted at the IdP.'
            : `${idp.user_name ?? '–'}, ${idp.active === true ? 'active' : 'inactive'}, email ${idp.email ?? '–'}; groups: ${idp.groups.length === 0 ? 'none' : idp.groups.join(', ')}; roles: ${idp.roles.length === 0 ? 'none' : idp.roles.join(', ')}.`}
        </li>
        <li>
          <strong>Desired access.</strong>{' '}
          {trace.desired === null
            ? 'Not worked out.'
            : `Role ${trace.desired.role ?? 'none'} (${trace.desired.why}); assets: ${trace.desired.assets.length === 0 ? 'none' : trace.desired.assets.map((a) => `${a.assetType} ${a.assetId}`).join(', ')}.`}
        </li>
        <li>
          <strong>Match in Meta.</strong>{' '}
          {trace.matches.length === 0
            ? 'Not needed for this plan.'
            : trace.matches.map((m) => `${m.looked_up === null ? 'not asked' : `asked by ${m.looked_up}`}: ${m.found}${m.business_user_id === null ? '' : ` (business user ${m.business_user_id})`}${m.invite_id === null ? '' : ` (invitation ${m.invite_id})`}. ${m.note}`).join(' Then ')}
        </li>
        <li>
          <strong>Plan.</strong>{' '}
          {trace.plans.every((p) => p.steps.length === 0)
            ? 'Nothing to do: Meta already matched.'
            : <ol>{trace.plans.flatMap((p) => p.steps).map((s, i) => <li key={i}>{describeStep(s)}</li>)}</ol>}
          {trace.holds.length > 0 && <p>Held by the removal brake: {trace.holds.map((h) => `${describeStep(h.step)} (${h.why})`).join('; ')}</p>}
        </li>
        <li>
          <strong>Graph calls.</strong>{' '}
          {trace.calls.length === 0 && (trace.dry_run ? 'None: a dry run asks Meta nothing.' : 'None.')}
        </li>
      </ol>
      {trace.calls.length > 0 && (
        <DataTable
          caption='Graph calls of this reconcile, in order'
          columns={['Call', 'Status', 'Outcome', 'Meta error', 'Trace id', { label: 'ms', num: true }]}
          rows={trace.calls.map((c, i) => (
            <tr key={i}>
              <td><code>{c.method} {c.path}</code></td>
              <td>{c.status ?? '–'}</td>
              <td><Badge tone={c.outcome === 'success' ? 'ok' : 'bad'}>{c.outcome}</Badge></td>
              <td>{c.error_code === null ? '–' : `${c.error_code}${c.error_subcode === null ? '' : `/${c.error_subcode}`} ${c.error_message ?? ''}`}</td>
              <td>{c.trace_id ?? '–'}</td>
              <td class='num'>{c.duration_ms}</td>
            </tr>
          ))}
        />
      )}
      <p>
        <strong>Result:</strong> <Badge tone={outcomeTone(trace.result.outcome)}>{trace.result.outcome}</Badge>{' '}
        state {trace.result.state ?? 'none'}, role {trace.result.role ?? 'none'}
        {trace.result.message === null ? '' : `; ${trace.result.message}`}
        {trace.result.last_error === null ? '' : `; last error: ${trace.result.last_error}`}
      </p>
    </div>
  )
}

/** A stored trace as one line of the person's history, opened in place. */
export function TraceSummary (props: { trace: TraceView }) {
  const { trace } = props
  return (
    <details>
      <summary>
        <When at={trace.started_at} /> by {triggerLabel[trace.trigger]}: {trace.result.outcome}, {trace.calls.length} Graph call{trace.calls.length === 1 ? '' : 's'}, {trace.duration_ms} ms
      </summary>
      <TraceDetails trace={trace} />
    </details>
  )
}
