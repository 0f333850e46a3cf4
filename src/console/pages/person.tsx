import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { notFound } from '../../admin/admin-errors.js'
import { getPerson, personView } from '../../admin/people-query.js'
import { listAudit } from '../../provisioning/records/audit.js'
import type { Step } from '../../provisioning/engine/reconcile-types.js'
import { previewTenantPlan } from '../../provisioning/engine/preview.js'
import { sendHtml, type ConsoleRuntime } from '../context.js'
import { Badge, DataTable, When } from '../views/components.js'
import { Document, renderFragment, renderPage } from '../views/layout.js'
import { stateTone } from './people.js'
import { tenantPage } from './tenant.js'

const userIdOf = (params: unknown): string => {
  const parsed = z.string().uuid().safeParse((params as { userId?: unknown }).userId)
  if (!parsed.success) throw notFound('person')
  return parsed.data
}

/** One plan step in words. */
export function describeStep (s: Step): string {
  switch (s.kind) {
    case 'invite': return `invite ${s.email} as ${s.role}`
    case 'change_invite_role': return `change the invitation's role from ${s.from ?? 'none'} to ${s.to}`
    case 'cancel_invite': return `cancel invitation ${s.inviteId}`
    case 'change_role': return `change role from ${s.from ?? 'none'} to ${s.to}`
    case 'assign': return `assign ${s.asset.assetType} ${s.asset.assetId}: ${s.asset.tasks.join(', ')}`
    case 'unassign': return `unassign ${s.assetType} ${s.assetId}`
    case 'remove': return `remove from the business (${s.businessUserId})`
    case 'skip': return `skipped ${s.action}: ${s.reason}`
    case 'manual': return `by hand: ${s.instruction}`
    case 'blocked': return `blocked ${s.action}: ${s.reason}`
  }
}

/** A person: desired and observed access, recent audit events, and the plan preview on request. */
export async function personPage (app: FastifyInstance, rt: ConsoleRuntime): Promise<void> {
  app.get('/ui/tenants/:tenantId/people/:userId', async (request, reply) => {
    const { tenant, ctx, base } = await tenantPage(rt, request)
    const row = await getPerson(rt.db, tenant.id, userIdOf(request.params))
    if (row === undefined) throw notFound('person')
    const p = personView(row, rt.now())
    const events = await listAudit(rt.db, tenant.id, { userId: p.user_id, limit: 20 })
    const html = renderPage(
      <Document title={p.user_name} ctx={ctx} section='people'>
        <h1>{p.user_name}</h1>
        <p><a href={`${base}/people`}>Back to people</a></p>
        <div class='cards'>
          <section class='card' aria-labelledby='desired-heading'>
            <h2 id='desired-heading'>Desired (from the IdP)</h2>
            <dl class='facts'>
              <dt>Active</dt><dd>{p.active ? 'yes' : 'no'}</dd>
              <dt>Email</dt><dd>{p.email ?? '–'}</dd>
              <dt>Role</dt><dd>{p.desired.role ?? 'none'}</dd>
              <dt>Why</dt><dd>{p.desired.why}</dd>
              <dt>Assets</dt><dd>{p.desired.assets.length === 0 ? 'none' : p.desired.assets.map((a) => `${a.assetType} ${a.assetId} (${a.tasks.join(', ')})`).join('; ')}</dd>
            </dl>
          </section>
          <section class='card' aria-labelledby='observed-heading'>
            <h2 id='observed-heading'>Observed (in Meta)</h2>
            <dl class='facts'>
              <dt>State</dt><dd><Badge tone={stateTone(p.observed.state)}>{p.observed.state}</Badge></dd>
              <dt>Role</dt><dd>{p.observed.role ?? '–'}</dd>
              <dt>Business user</dt><dd>{p.observed.business_user_id ?? '–'}</dd>
              <dt>Invitation</dt><dd>{p.observed.invite_id ?? '–'}</dd>
              <dt>Last error</dt><dd>{p.last_error === null ? 'none' : `${p.last_error.message} (code ${p.last_error.code ?? '–'})`}</dd>
              <dt>Updated</dt><dd><When at={p.observed.updated_at} /></dd>
            </dl>
          </section>
        </div>
        <section aria-labelledby='preview-heading'>
          <h2 id='preview-heading'>Plan preview</h2>
          <p>What the bridge would do for this person now, from its own record: no Meta call, nothing written.</p>
          <button type='button' hx-get={`${base}/people/${p.user_id}/preview`} hx-target='#preview' hx-swap='innerHTML'>Preview</button>
          <div id='preview' />
        </section>
        <section aria-labelledby='trace-heading' class='placeholder'>
          <h2 id='trace-heading'>Reconcile trace and Reconcile now</h2>
          <p>Not built yet: the per-person reconcile trace and a "Reconcile now" action are being added to the
            provisioning engine and will appear here. Until then, the audit events below show what happened.
          </p>
        </section>
        <DataTable
          caption='Latest audit events for this person'
          columns={['When', 'Actor', 'Action', 'Outcome', 'Message']}
          empty='No events yet.'
          rows={events.map((e) => (
            <tr key={String(e.id)}>
              <td><When at={e.at} /></td><td>{e.actor}</td><td>{e.action}</td><td>{e.outcome}</td><td>{e.message ?? e.reason}</td>
            </tr>
          ))}
        />
        <p><a href={`${base}/audit?user_id=${p.user_id}`}>All audit events for this person</a></p>
      </Document>
    )
    return await sendHtml(reply, html)
  })

  app.get('/ui/tenants/:tenantId/people/:userId/preview', async (request, reply) => {
    const { tenant } = await tenantPage(rt, request)
    const userId = userIdOf(request.params)
    const preview = await previewTenantPlan(rt.db, tenant.id, { userIds: [userId] })
    const person = preview.people[0]
    const steps = person?.plan.steps ?? []
    const summary = steps.length === 0 ? 'Nothing to do: Meta already matches.' : `${steps.length} planned steps.`
    return await sendHtml(reply, renderFragment(
      <div data-announce={`Preview ready. ${summary}`}>
        <p>{summary}{preview.dryRun ? ' The tenant is in dry run: these would be recorded, not sent.' : ''}</p>
        {steps.length > 0 && <ol>{steps.map((s, i) => <li key={i}>{describeStep(s)}</li>)}</ol>}
        {(person?.plan.waitingAssets.length ?? 0) > 0 && <p>Waiting for the invitation to be accepted: {person?.plan.waitingAssets.map((a) => `${a.assetType} ${a.assetId}`).join(', ')}</p>}
      </div>
    ))
  })
}
