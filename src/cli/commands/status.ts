import type { CommandGroup } from '../command.js'
import { CliError, EXIT } from '../exit-codes.js'
import { keyValues, table } from '../output.js'
import { arg, resolveTenant } from '../resolve.js'

interface Health {
  status: 'healthy' | 'degraded' | 'failing'
  reasons: Array<{ status: string, code: string, message: string }>
  scim: {
    active_tokens: number
    requests_24h: { total: number, server_errors: number, by_idp: Record<string, Record<string, number>> }
    last_request: { at: string, idp: string, method: string, path: string, status: number } | null
  }
  meta: {
    business_id: string | null
    dry_run: boolean
    connection: { status: string, error: string | null }
    rate_limit_buckets: Array<{
      key: string, state: string, usage_percent: number | null, paused_until: string | null
    }> | null
    removal_brake: { engaged: boolean, held: number }
  }
  provisioning: {
    queue_depth: number, oldest_job_age_seconds: number | null, failed_jobs: number, failed_people: number
  }
  sync: { last_run: { status: string, started_at: string } | null, drift: Record<string, number> | null }
}

function render (h: Health): string {
  const last = h.scim.last_request
  const byIdp = Object.entries(h.scim.requests_24h.by_idp)
    .map(([idp, classes]) => `${idp} ${Object.entries(classes).map(([c, n]) => `${c}:${n}`).join(' ')}`).join(', ')
  const head = keyValues([
    ['status', h.status.toUpperCase()],
    ['scim tokens', h.scim.active_tokens],
    ['scim 24h', `${h.scim.requests_24h.total}${byIdp === '' ? '' : ` (${byIdp})`}`],
    ['last request', last === null ? null : `${last.at} ${last.idp} ${last.method} ${last.path} ${last.status}`],
    ['meta business', h.meta.business_id],
    ['meta connection', `${h.meta.connection.status}${h.meta.dry_run ? ' (dry run)' : ''}`],
    ['removal brake', h.meta.removal_brake.engaged ? `engaged, ${h.meta.removal_brake.held} held` : 'released'],
    ['queue', `${h.provisioning.queue_depth} waiting, oldest ${h.provisioning.oldest_job_age_seconds ?? 0} s`],
    ['failures', `${h.provisioning.failed_people} people, ${h.provisioning.failed_jobs} jobs`],
    ['last sync', h.sync.last_run === null ? null : `${h.sync.last_run.status} ${h.sync.last_run.started_at}`],
    ['drift', h.sync.drift === null ? null : Object.entries(h.sync.drift).map(([k, n]) => `${k} ${n}`).join(', ')]
  ])
  const buckets = (h.meta.rate_limit_buckets ?? []).map((b) => [b.key, b.state, b.usage_percent, b.paused_until])
  const reasons = h.reasons.map((r) => [r.status, r.code, r.message])
  return [head,
    buckets.length === 0 ? '' : `\n${table(['bucket', 'state', 'usage %', 'paused until'], buckets)}`,
    reasons.length === 0 ? '' : `\n${table(['', 'reason', 'detail'], reasons)}`].filter((s) => s !== '').join('\n')
}

export const statusGroup: CommandGroup = {
  name: 'status',
  summary: 'a tenant\'s health in one call: SCIM, Meta, provisioning, sync',
  defaultCommand: 'show',
  commands: [
    {
      name: 'show',
      usage: '<tenant>',
      summary: 'healthy, degraded or failing with the reasons; exit 1 when failing',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const health = await api().get<Health>(`/tenants/${id}/health`)
        out.result(health, () => render(health))
        if (health.status === 'failing') {
          throw new CliError(EXIT.failed, `tenant is failing: ${health.reasons.map((r) => r.code).join(', ')}`)
        }
      }
    }
  ]
}
