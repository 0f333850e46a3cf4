import type { ApiClient } from '../api-client.js'
import type { CommandGroup, OptionValues } from '../command.js'
import { usageError } from '../exit-codes.js'
import { keyValues, table } from '../output.js'
import { arg, resolveTenant } from '../resolve.js'

interface Status {
  engaged: boolean
  engaged_at: string | null
  first_cause: string | null
  held: number
  used_in_window: number
  limit: number
  budget_count: number
  budget_percent: number
  window_seconds: number
}
interface Held {
  id: string, user_id: string | null, email: string | null, action: string, since: string, cause: string
}
interface Decided { count: number, items: Held[] }

const statusText = (s: Status): string => keyValues([
  ['removals', s.engaged ? `HELD (${s.held})` : 'flowing'],
  ['first cause', s.first_cause], ['engaged at', s.engaged_at],
  ['used in window', `${s.used_in_window} of ${s.limit}`],
  ['budget', `${s.budget_count} people or ${s.budget_percent} % of managed members per ${s.window_seconds} s, whichever is larger`]
])

const heldTable = (items: Held[]): string =>
  table(['id', 'email', 'user', 'action', 'since', 'cause'], items.map((h) => [h.id, h.email, h.user_id ?? 'unmanaged', h.action, h.since, h.cause]))

/** `--all` or the ids after the tenant: exactly one of the two. */
function selection (args: string[], options: OptionValues): { all: true } | { ids: string[] } {
  const ids = args.slice(1)
  if (options.all === true && ids.length > 0) throw usageError('give either --all or ids, not both')
  if (options.all === true) return { all: true }
  if (ids.length === 0) throw usageError('give the ids of held actions (see `removals list`) or --all')
  return { ids }
}

async function decide (api: ApiClient, args: string[], options: OptionValues, verb: 'approve' | 'reject'): Promise<Decided> {
  const id = await resolveTenant(api, arg(args, 0, 'tenant'))
  return await api.post<Decided>(`/tenants/${id}/removal-brake/${verb}`, selection(args, options))
}

function numberOption (value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (typeof value !== 'string' || value === '' || !Number.isFinite(n)) throw usageError(`--${name} must be a number`)
  return n
}

export const removalsGroup: CommandGroup = {
  name: 'removals',
  summary: 'the removal brake: held removals, approve, reject, budget',
  defaultCommand: 'status',
  commands: [
    {
      name: 'status',
      usage: '<tenant>',
      summary: 'whether removals are held, how many, the first cause and the budget',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const s = await api().get<Status>(`/tenants/${id}/removal-brake`)
        out.result(s, () => statusText(s))
      }
    },
    {
      name: 'list',
      usage: '<tenant> [--limit <n>]',
      summary: 'held actions, oldest first: person, action, since, triggering request',
      options: { limit: { type: 'string' } },
      run: async ({ api, out, args, options }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const limit = numberOption(options.limit, 'limit') ?? 500
        const page = await api().get<{ items: Held[], total: number }>(`/tenants/${id}/removal-brake/held?limit=${limit}`)
        out.result(page, () => `${page.total} held\n${heldTable(page.items)}`)
      }
    },
    {
      name: 'approve',
      usage: '<tenant> (--all | <id>...)',
      summary: 'let held removals run through the normal engine',
      options: { all: { type: 'boolean' } },
      run: async ({ api, out, args, options }) => {
        const done = await decide(api(), args, options, 'approve')
        out.result(done, () => `approved ${done.count}\n${heldTable(done.items)}`)
      }
    },
    {
      name: 'reject',
      usage: '<tenant> (--all | <id>...)',
      summary: 'drop held removals: the people stay in the business and show as drift',
      options: { all: { type: 'boolean' } },
      run: async ({ api, out, args, options }) => {
        const done = await decide(api(), args, options, 'reject')
        out.result(done, () => `rejected ${done.count}\n${heldTable(done.items)}`)
      }
    },
    {
      name: 'budget',
      usage: '<tenant> [--count <n>] [--percent <p>] [--window <seconds>]',
      summary: 'show or change the removal budget',
      options: { count: { type: 'string' }, percent: { type: 'string' }, window: { type: 'string' } },
      run: async ({ api, out, args, options }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const body = {
          ...(options.count === undefined ? {} : { budget_count: numberOption(options.count, 'count') }),
          ...(options.percent === undefined ? {} : { budget_percent: numberOption(options.percent, 'percent') }),
          ...(options.window === undefined ? {} : { window_seconds: numberOption(options.window, 'window') })
        }
        const s = Object.keys(body).length === 0
          ? await api().get<Status>(`/tenants/${id}/removal-brake`)
          : await api().patch<Status>(`/tenants/${id}/removal-brake`, body)
        out.result(s, () => statusText(s))
      }
    }
  ]
}
