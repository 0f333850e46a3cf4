import type { CommandGroup } from '../command.js'
import { keyValues, table } from '../output.js'
import { arg, resolveTenant } from '../resolve.js'

interface QueueStatus {
  depth: number,
  queued: number,
  active: number,
  retrying: number,
  failed: number,
  oldest_job_age_seconds: number | null,
  failed_people: number
  failing_jobs: Array<{
    user_id: string | null, state: string, retry_count: number, next_attempt_at: string | null, error: string | null
  }>
}

const render = (s: QueueStatus): string => [
  keyValues([['depth', s.depth], ['queued', s.queued], ['active', s.active], ['retrying', s.retrying], ['failed jobs', s.failed],
    ['oldest job age', s.oldest_job_age_seconds === null ? null : `${s.oldest_job_age_seconds} s`], ['failed people', s.failed_people]]),
  '',
  `Failing jobs (${s.failing_jobs.length})`,
  table(['user id', 'state', 'retries', 'next attempt', 'error'], s.failing_jobs.map((j) => [j.user_id, j.state, j.retry_count, j.next_attempt_at, j.error]))
].join('\n')

export const queueGroup: CommandGroup = {
  name: 'queue',
  summary: 'the tenant\'s reconcile queue: status, retry now',
  defaultCommand: 'status',
  commands: [
    {
      name: 'status',
      usage: '<tenant>',
      summary: 'depth, oldest job age, failing jobs',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const s = await api().get<QueueStatus>(`/tenants/${id}/queue`)
        out.result(s, () => render(s))
      }
    },
    {
      name: 'retry',
      usage: '<tenant>',
      summary: 'retry failing jobs and failed people now',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const r = await api().post<{ retried_jobs: number, revived_jobs: number, requeued_people: number, status: QueueStatus }>(`/tenants/${id}/queue/retry`)
        out.result(r, () => `retried ${r.retried_jobs} waiting job(s), revived ${r.revived_jobs} failed job(s), re-enqueued ${r.requeued_people} failed people\n\n${render(r.status)}`)
      }
    }
  ]
}
