import type { FastifyInstance } from 'fastify'
import { queueStatus } from '../../admin/queue-query.js'
import { invitationFunnel } from '../../charts/series.js'
import { actionSeries } from '../../provisioning/records/audit-repository.js'
import { scimRequestSeries } from '../../request-log/scim-requests-repository.js'
import { listRuns } from '../../sync/runs-repository.js'
import { BarChart, bucketStarts, seriesFrom } from '../charts/bar-chart.js'
import { queueHistoryChart, rateLimitHistoryChart } from '../charts/history-charts.js'
import { sendHtml, type ConsoleRuntime } from '../context.js'
import { Document, renderPage } from '../views/layout.js'
import { tenantPage } from './tenant.js'

const HOUR = 3600
/** The history charts: the last 24 hours in 15-minute buckets. */
const HISTORY_BUCKET = 900
const DAY_MS = 86_400_000
const DRIFT_KEYS = ['unmanaged', 'missing', 'not_entitled', 'role_differences', 'asset_differences', 'stale_invites']

const hourLabel = (d: Date) => d.toISOString().slice(5, 13).replace('T', ' ') + 'h'

/**
 * Charts from the stored series: actions, SCIM requests, invitations, drift per sync, the queue
 * now, and from the sampled history the queue and the rate-limit buckets over the last day.
 */
export async function chartsPage (app: FastifyInstance, rt: ConsoleRuntime): Promise<void> {
  app.get('/ui/tenants/:tenantId/charts', async (request, reply) => {
    const { tenant, ctx } = await tenantPage(rt, request)
    const now = rt.now()
    const week = { since: new Date(now.getTime() - 7 * DAY_MS), until: now }
    const day = { since: new Date(now.getTime() - DAY_MS), until: now }
    const actionBuckets = bucketStarts(week.since, week.until, 6 * HOUR)
    const actions = await actionSeries(rt.db, tenant.id, week, 6 * HOUR)
    const scimBuckets = bucketStarts(day.since, day.until, HOUR)
    const scim = await scimRequestSeries(rt.db, tenant.id, day, HOUR)
    const funnel = await invitationFunnel(
      rt.db, tenant.id, { since: new Date(now.getTime() - 30 * DAY_MS), until: now }, now
    )
    const runs = (await listRuns(rt.db, tenant.id, 20, 0)).rows.filter((r) => r.status === 'succeeded').reverse()
    const queue = rt.provisioning === undefined ? undefined : await queueStatus(rt.db, tenant.id, 1)
    const history = { ...day, bucketSeconds: HISTORY_BUCKET }
    const queueHistory = await queueHistoryChart({ db: rt.db, tenantId: tenant.id, window: history })
    const rateLimits = await rateLimitHistoryChart({ db: rt.db, tenantId: tenant.id, window: history })
    const html = renderPage(
      <Document title={`${tenant.name} charts`} ctx={ctx} section='charts'>
        <h1>Charts of {tenant.name}</h1>
        <BarChart
          id='actions' title='Provisioning actions, last 7 days' valueLabel='actions per 6 hours by action and outcome'
          description='Stacked bars per 6 hours; each colour is one action and outcome, listed in the legend and in the table.'
          labels={actionBuckets.map(hourLabel)}
          series={seriesFrom(actionBuckets, actions.map((p) => ({ at: p.at, key: `${p.action} ${p.outcome}`, count: p.count })))}
        />
        <BarChart
          id='scim' title='SCIM requests, last 24 hours' valueLabel='requests per hour by IdP and status class'
          description='Stacked bars per hour; each colour is one IdP and status class.'
          labels={scimBuckets.map(hourLabel)}
          series={seriesFrom(scimBuckets, scim.map((p) => ({ at: p.at, key: `${p.idp} ${p.status_class}`, count: p.count })))}
        />
        <BarChart
          id='drift' title='Drift per sync run' valueLabel='drift items per successful run by kind'
          description='One stacked bar per successful sync run, oldest first; each colour is one kind of drift.'
          labels={runs.map((r) => new Date(r.started_at).toISOString().slice(5, 16).replace('T', ' '))}
          series={DRIFT_KEYS.map((k) => ({ name: k.replace(/_/g, ' '), values: runs.map((r) => Number((r.counts as Record<string, number> | null)?.[k] ?? 0)) }))}
        />
        <BarChart
          id='funnel' title='Invitations, last 30 days' valueLabel='people'
          description='Invited in the last 30 days, how many accepted, how many are pending; then every pending invitation by age.'
          labels={['invited', 'accepted', 'pending', ...Object.keys(funnel.pending_by_age).map((k) => `pending ${k}`)]}
          series={[{ name: 'people', values: [funnel.invited, funnel.accepted, funnel.pending_from_range, ...Object.values(funnel.pending_by_age)] }]}
        />
        {queue !== undefined && (
          <BarChart
            id='queue' title='Reconcile queue now' valueLabel='jobs by state'
            description='Jobs of this tenant by state at this moment. The queue keeps no history, so this is a snapshot, not a series.'
            labels={['queued', 'running', 'retrying', 'failed']}
            series={[{ name: 'jobs', values: [queue.queued, queue.active, queue.retrying, queue.failed] }]}
          />
        )}
        {queueHistory}
        {rateLimits}
      </Document>
    )
    return await sendHtml(reply, html)
  })
}
