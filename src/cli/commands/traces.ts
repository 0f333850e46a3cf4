import type { ApiClient } from '../api-client.js'
import type { CommandGroup } from '../command.js'
import { CliError, EXIT } from '../exit-codes.js'
import { table } from '../output.js'
import { arg, resolveTenant } from '../resolve.js'
import { queryOf } from './query.js'
import { traceText, type Trace } from './trace-view.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

interface PeoplePage {
  items: Array<{ user_id: string, user_name: string, email: string | null }>, next_offset?: number
}

/** A person given by user id, or by user name or email (compared without case). */
async function resolveUser (api: ApiClient, tenantId: string, given: string): Promise<string> {
  if (UUID.test(given)) return given
  const wanted = given.toLowerCase()
  let offset: number | undefined = 0
  while (offset !== undefined) {
    const page: PeoplePage = await api.get<PeoplePage>(`/tenants/${tenantId}/people?limit=500&offset=${offset}`)
    const found = page.items.find((p) => p.user_name.toLowerCase() === wanted || p.email?.toLowerCase() === wanted)
    if (found !== undefined) return found.user_id
    offset = page.next_offset
  }
  throw new CliError(EXIT.notFound, `no user "${given}"`)
}

export const traceGroup: CommandGroup = {
  name: 'trace',
  summary: 'what the last reconciles of one person did, step by step',
  defaultCommand: 'show',
  commands: [
    {
      name: 'show',
      usage: '<tenant> <user> [--id <trace-id>] [--list] [--limit <n>] [--cursor <id>]',
      summary: 'the newest trace (or --id) in detail; --list: the stored traces, newest first',
      options: { id: { type: 'string' }, list: { type: 'boolean' }, limit: { type: 'string' }, cursor: { type: 'string' } },
      run: async ({ api, out, args, options }) => {
        const tenant = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const user = await resolveUser(api(), tenant, arg(args, 1, 'user'))
        const base = `/tenants/${tenant}/people/${user}/traces`
        if (typeof options.id === 'string') {
          const one = await api().get<Trace>(`${base}/${encodeURIComponent(options.id)}`)
          out.result(one, () => traceText(one))
          return
        }
        const limit = options.list === true ? options : { ...options, limit: '1' }
        const page = await api().get<{ items: Trace[], next_cursor?: string }>(
          `${base}${queryOf(limit, { limit: 'limit', cursor: 'cursor' })}`)
        if (options.list !== true) {
          const newest = page.items[0]
          if (newest === undefined) throw new CliError(EXIT.notFound, 'no reconcile of this person is stored yet')
          out.result(newest, () => traceText(newest))
          return
        }
        out.result(page, () => [
          table(['id', 'started', 'trigger', 'outcome', 'calls', 'state'], page.items.map((t) => [
            t.id, t.started_at, t.trigger, t.result.outcome, t.calls.length, t.result.state
          ])),
          ...(page.next_cursor === undefined ? [] : [`older: --cursor ${page.next_cursor}`])
        ].join('\n'))
      }
    }
  ]
}

export const reconcileGroup: CommandGroup = {
  name: 'reconcile',
  summary: 'reconcile one person now and print the trace',
  defaultCommand: 'now',
  commands: [
    {
      name: 'now',
      usage: '<tenant> <user> [--dry-run]',
      summary: 'runs one reconcile now through the engine; --dry-run calls nothing and writes nothing',
      options: { 'dry-run': { type: 'boolean' } },
      run: async ({ api, out, args, options }) => {
        const tenant = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const user = await resolveUser(api(), tenant, arg(args, 1, 'user'))
        const dryRun = options['dry-run'] === true
        const res = await api().post<{ outcome: string, message?: string, trace: Trace }>(
          `/tenants/${tenant}/people/${user}/reconcile`, { dry_run: dryRun })
        out.result(res, () => traceText(res.trace))
      }
    }
  ]
}
