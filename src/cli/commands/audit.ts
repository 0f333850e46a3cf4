import type { CommandGroup } from '../command.js'
import { table } from '../output.js'
import { arg, resolveTenant } from '../resolve.js'
import { queryOf } from './query.js'

interface Event {
  id: number,
  at: string,
  actor: string,
  email: string | null,
  action: string,
  outcome: string,
  reason: string,
  message: string | null
}

export const auditGroup: CommandGroup = {
  name: 'audit',
  summary: 'the audit log, newest first',
  defaultCommand: 'list',
  commands: [
    {
      name: 'list',
      usage: '<tenant> [--user <user-id>] [--action <a>] [--outcome <o>] [--since <time>] [--until <time>] [--limit <n>] [--offset <n>]',
      summary: 'events filtered by person, action, outcome and time (ISO 8601; since inclusive, until exclusive)',
      options: {
        user: { type: 'string' },
        action: { type: 'string' },
        outcome: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        limit: { type: 'string' },
        offset: { type: 'string' }
      },
      run: async ({ api, out, args, options }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const q = queryOf(options, { user: 'user_id', action: 'action', outcome: 'outcome', since: 'since', until: 'until', limit: 'limit', offset: 'offset' })
        const page = await api().get<{ items: Event[], total: number, next_offset?: number }>(`/tenants/${id}/audit${q}`)
        out.result(page, () => `${table(['at', 'actor', 'email', 'action', 'outcome', 'message'], page.items.map((e) => [
          e.at, e.actor, e.email, e.action, e.outcome, e.message ?? e.reason
        ]))}\n${page.items.length} of ${page.total}${page.next_offset === undefined ? '' : ` (next: --offset ${page.next_offset})`}`)
      }
    }
  ]
}
