import { setTimeout as sleep } from 'node:timers/promises'
import type { ApiClient } from '../api-client.js'
import type { CommandGroup } from '../command.js'
import { CliError, EXIT, usageError } from '../exit-codes.js'
import { keyValues, table, type Output } from '../output.js'
import { progressRenderer } from '../progress.js'
import { arg, resolveTenant } from '../resolve.js'

interface Run {
  id: string
  trigger: string
  status: 'running' | 'succeeded' | 'failed'
  phase: string
  counts: Record<string, number>
  summary: Record<string, unknown> | null
  error: string | null
  started_at: string
  finished_at: string | null
}

function runDetail (run: Run): string {
  const head = keyValues([
    ['run', run.id], ['status', run.status], ['phase', run.phase], ['trigger', run.trigger],
    ['started', run.started_at], ['finished', run.finished_at], ['error', run.error]
  ])
  const counts = Object.entries(run.counts)
  return counts.length === 0 ? head : `${head}\n\n${table(['count', 'value'], counts)}`
}

/** Polls the run until it ends, drawing progress on stderr. */
async function follow (api: ApiClient, out: Output, tenantId: string, run: Run, intervalMs: number): Promise<Run> {
  const bar = out.json ? undefined : progressRenderer(out.stderr)
  let current = run
  bar?.update(current)
  while (current.status === 'running') {
    await sleep(intervalMs)
    current = await api.get<Run>(`/tenants/${tenantId}/sync/runs/${run.id}`)
    bar?.update(current)
  }
  bar?.end()
  return current
}

function intervalOf (value: string | boolean | undefined): number {
  if (value === undefined) return 1000
  const ms = Number(value)
  if (!Number.isInteger(ms) || ms < 50) throw usageError('--interval must be a whole number of milliseconds, at least 50')
  return ms
}

function finish (out: Output, run: Run): void {
  out.result(run, () => runDetail(run))
  if (run.status === 'failed') throw new CliError(EXIT.failed, `sync ${run.id} failed: ${run.error ?? 'unknown error'}`)
}

export const syncGroup: CommandGroup = {
  name: 'sync',
  summary: 'check a tenant\'s Meta business for updates: start, status, history',
  commands: [
    {
      name: 'start',
      usage: '<tenant> [--detach] [--interval <ms>]',
      summary: 'start a sync and follow it with a progress bar until it ends (--detach: do not wait)',
      options: { detach: { type: 'boolean' }, interval: { type: 'string' } },
      run: async ({ api, out, args, options }) => {
        const interval = intervalOf(options.interval)
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const started = await api().post<Run>(`/tenants/${id}/sync`)
        if (options.detach === true) {
          out.result(started, () => `started sync ${started.id}`)
          return
        }
        finish(out, await follow(api(), out, id, started, interval))
      }
    },
    {
      name: 'status',
      usage: '<tenant> [<run-id>]',
      summary: 'show a run (default: the latest) with its phase and counts',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        let runId = args[1]
        if (runId === undefined) {
          const latest = await api().get<{ items: Run[] }>(`/tenants/${id}/sync/runs?limit=1`)
          runId = latest.items[0]?.id
          if (runId === undefined) throw new CliError(EXIT.notFound, 'this tenant has never been synced')
        }
        finish(out, await api().get<Run>(`/tenants/${id}/sync/runs/${encodeURIComponent(runId)}`))
      }
    },
    {
      name: 'history',
      usage: '<tenant> [--limit <n>]',
      summary: 'list past runs, newest first',
      options: { limit: { type: 'string' } },
      run: async ({ api, out, args, options }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const limit = options.limit === undefined ? 20 : Number(options.limit)
        if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw usageError('--limit must be between 1 and 500')
        const page = await api().get<{ items: Run[], total: number }>(`/tenants/${id}/sync/runs?limit=${limit}`)
        out.result(page, () => table(['run', 'status', 'trigger', 'started', 'finished', 'members', 'unmanaged', 'error'],
          page.items.map((r) => [
            r.id, r.status, r.trigger, r.started_at, r.finished_at, r.counts.members, r.counts.unmanaged, r.error
          ])))
      }
    }
  ]
}
