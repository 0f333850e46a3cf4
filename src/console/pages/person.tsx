import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { notFound } from '../../admin/admin-errors.js'
import { getPerson, personView } from '../../admin/people-query.js'
import { listAudit } from '../../provisioning/records/audit-repository.js'
import { previewTenantPlan } from '../../provisioning/engine/preview.js'
import { listPersonTraces } from '../../provisioning/person-traces.js'
import { actorOf, isHtmx, sendHtml, type ConsoleRuntime } from '../context.js'
import { auditConsoleAction } from '../session/events.js'
import { Badge, CsrfField, DataTable, Notice, When } from '../views/components.js'
import { describeStep } from '../views/steps.js'
import { TraceDetails, TraceSummary } from '../views/trace.js'
import { Document, may, renderFragment, renderPage } from '../views/layout.js'
import { stateTone } from './people.js'
import { field, formOf, tenantPage } from './tenant.js'

const userIdOf = (params: unknown): string => {
  const parsed = z.string().uuid().safeParse((params as { userId?: unknown }).userId)
  if (!parsed.success) throw notFound('person')
  return parsed.data
}

/** A person: desired and observed access, recent audit events, and the plan preview on request. */
export async function personPage (app: FastifyInstance, rt: ConsoleRuntime): Promise<void> {
  app.get('/ui/tenants/:tenantId/people/:userId', async (request, reply) => {
    const { tenant, ctx, base } = await tenantPage(rt, request)
    const row = await getPerson(rt.db, tenant.id, userIdOf(request.params))
    if (row === undefined) throw notFound('person')
    const p = personView(row, rt.now())
    const events = await listAudit(rt.db, tenant.id, { userId: p.user_id, limit: 20 })
    const traces = (await listPersonTraces(rt.db, tenant.id, p.user_id, { limit: 10 }))?.items ?? []
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
        <section aria-labelledby='reconcile-heading'>
          <h2 id='reconcile-heading'>Reconcile now</h2>
          <p>
            Runs one reconcile of this person now, through the same engine as the queue, and shows every step. A dry
            run asks Meta nothing and writes nothing; a real one sends what the plan says (removals beyond the
            brake's budget are still held).
          </p>
          {rt.provisioning === undefined
            ? <p>Not available here: this process runs without the provisioning engine.</p>
            : !may(ctx, 'operator')
                ? <p>Your role ({ctx.role}) can read this person, not reconcile them.</p>
                : (
                  <form method='post' action={`${base}/people/${p.user_id}/reconcile`} hx-post={`${base}/people/${p.user_id}/reconcile`} hx-target='#reconcile-result' hx-swap='innerHTML'>
                    <CsrfField csrf={ctx.csrf} />
                    <button type='submit' name='mode' value='dry_run'>Dry run</button>{' '}
                    <button type='submit' name='mode' value='run' class='primary'>Reconcile now</button>
                  </form>
                  )}
          <div id='reconcile-result' />
        </section>
        <section aria-labelledby='traces-heading'>
          <h2 id='traces-heading'>Recent reconciles</h2>
          {traces.length === 0
            ? <p>No reconcile of this person has been traced yet.</p>
            : <ul class='traces'>{traces.map((trace) => <li key={trace.id ?? ''}><TraceSummary trace={trace} /></li>)}</ul>}
        </section>
        <DataTable
          caption='Latest audit events for this person'
          columns={['When', 'Actor', 'Action', 'Outcome', 'Message']}
          empty='No events yet.'
          rows={events.map((e) => (
            <tr key={String(e.id)}>
              <td><When at={e.at} /></td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>{e.outcome}</td>
              <td>{e.message ?? e.reason}</td>
            </tr>
          ))}
        />
        <p><a href={`${base}/audit?user_id=${p.user_id}`}>All audit events for this person</a></p>
      </Document>
    )
    return await sendHtml(reply, html)
  })

  app.post('/ui/tenants/:tenantId/people/:userId/reconcile', async (request, reply) => {
    const { tenant, ctx, base } = await tenantPage(rt, request)
    const userId = userIdOf(request.params)
    const dryRun = field(formOf(request), 'mode') !== 'run'
    const show = async (body: preact.VNode, status = 200): Promise<typeof reply> => {
      if (isHtmx(request)) return await sendHtml(reply, renderFragment(body), status)
      return await sendHtml(reply, renderPage(
        <Document title='Reconcile now' ctx={ctx} section='people'>
          <h1>Reconcile now</h1>
          {body}
          <p><a href={`${base}/people/${userId}`}>Back to the person</a></p>
        </Document>
      ), status)
    }
    if (rt.provisioning === undefined) {
      return await show(<Notice tone='bad'>Not available here: this process runs without the provisioning engine.</Notice>, 503)
    }
    const result = await rt.provisioning.reconcileNow(tenant.id, userId, { dryRun })
    if (result.kind === 'unknown_person') throw notFound('person')
    if (result.kind === 'busy') {
      return await show(<Notice tone='bad' announce='This person is being reconciled right now; try again shortly.'>This person is being reconciled right now ({result.message}); try again shortly.</Notice>, 409)
    }
    if (!dryRun) {
      await auditConsoleAction(rt.db, {
        tenantId: tenant.id, userId, ...actorOf(request), action: 'reconcile_now', outcome: 'applied', detail: { outcome: result.outcome.kind, traceId: result.trace.id }
      })
    }
    const summary = `${dryRun ? 'Dry run' : 'Reconcile'} finished: ${result.trace.result.outcome}, ${result.trace.calls.length} Graph calls.`
    return await show(
      <div data-announce={summary}>
        <p>{summary}{dryRun ? ' Nothing was sent or written.' : ''}</p>
        <TraceDetails trace={result.trace} />
      </div>
    )
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
