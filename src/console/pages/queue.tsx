import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ComponentChildren } from 'preact'
import { queueStatus, retryTenantQueue } from '../../admin/queue-query.js'
import { actorOf, sendHtml, type ConsoleRuntime } from '../context.js'
import { auditConsoleAction } from '../session/events.js'
import { CsrfField, DataTable, Notice, When } from '../views/components.js'
import { Document, may, renderPage } from '../views/layout.js'
import { tenantPage } from './tenant.js'

/** The tenant's reconcile queue: depth, oldest job, failing jobs, and Retry now. */
export async function queuePage (app: FastifyInstance, rt: ConsoleRuntime): Promise<void> {
  const show = async (request: FastifyRequest, reply: FastifyReply, flash?: ComponentChildren) => {
    const { tenant, ctx, base } = await tenantPage(rt, request)
    if (rt.provisioning === undefined) {
      return await sendHtml(reply, renderPage(<Document title='Queue' ctx={ctx} section='queue'><h1>Queue</h1><Notice tone='bad'>No queue in this process.</Notice></Document>), 503)
    }
    const q = await queueStatus(rt.db, tenant.id)
    const html = renderPage(
      <Document title={`${tenant.name} queue`} ctx={ctx} section='queue'>
        <h1>Reconcile queue of {tenant.name}</h1>
        {flash}
        <dl class='facts'>
          <dt>Queued</dt><dd>{q.queued}</dd>
          <dt>Running</dt><dd>{q.active}</dd>
          <dt>Waiting to retry</dt><dd>{q.retrying}</dd>
          <dt>Failed</dt><dd>{q.failed}</dd>
          <dt>Oldest job</dt><dd>{q.oldest_job_age_seconds === null ? '–' : `${q.oldest_job_age_seconds} s`}</dd>
          <dt>Failing people</dt><dd>{q.failed_people}</dd>
        </dl>
        {may(ctx, 'operator') && (
          <form method='post' action={`${base}/queue/retry`}>
            <CsrfField csrf={ctx.csrf} />
            <p><button type='submit'>Retry now</button></p>
          </form>
        )}
        <DataTable
          caption='Failing jobs'
          columns={['Person', 'State', 'Attempts', 'Next attempt', 'Error', 'Created']}
          empty='No failing jobs.'
          rows={q.failing_jobs.map((j) => (
            <tr key={j.id}>
              <td>{j.user_id === null ? '–' : <a href={`${base}/people/${j.user_id}`}>{j.user_id}</a>}</td>
              <td>{j.state}</td>
              <td>{j.retry_count} of {j.retry_limit}</td>
              <td><When at={j.next_attempt_at} none='–' /></td>
              <td>{j.error ?? ''}</td>
              <td><When at={j.created_at} /></td>
            </tr>
          ))}
        />
      </Document>
    )
    return await sendHtml(reply, html)
  }

  app.get('/ui/tenants/:tenantId/queue', async (request, reply) => await show(request, reply))

  app.post('/ui/tenants/:tenantId/queue/retry', async (request, reply) => {
    const { tenant } = await tenantPage(rt, request)
    if (rt.provisioning === undefined) return await show(request, reply)
    const result = await retryTenantQueue(rt.db, rt.provisioning.queue, tenant.id)
    await auditConsoleAction(rt.db, { tenantId: tenant.id, ...actorOf(request), action: 'queue_retried', outcome: 'applied', detail: { ...result } })
    return await show(request, reply, (
      <Notice tone='ok'>Retrying: {result.retried_jobs} waiting jobs now due, {result.revived_jobs} failed jobs revived, {result.requeued_people} failed people queued again.</Notice>
    ))
  })
}
