import { setTimeout as sleep } from 'node:timers/promises'
import type { CommandGroup } from '../command.js'
import { usageError } from '../exit-codes.js'
import { table } from '../output.js'
import { arg, resolveTenant } from '../resolve.js'
import { queryOf } from './query.js'

interface Logged {
  id: string
  at: string
  idp: string
  method: string
  path: string
  summary: string
  status: number
  scim_type: string | null
  duration_ms: number
  token: { label: string | null } | null
}

const FILTERS = {
  status: 'status_class', action: 'action', idp: 'idp', user: 'user', group: 'group', since: 'since', until: 'until'
}

const cells = (r: Logged) => [r.at, r.status, r.scim_type, r.idp, r.token?.label, `${r.method} ${r.path}`, r.summary,
  Math.round(r.duration_ms)]
const line = (r: Logged): string => {
  const shown = cells(r)
  shown[7] = `${shown[7] ?? 0}ms`
  return shown.filter((c) => c !== null && c !== undefined).join('  ')
}

function positive (value: string | boolean | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min) throw usageError(`--${name} must be a whole number, at least ${min}`)
  return n
}

export const logsGroup: CommandGroup = {
  name: 'logs',
  summary: 'the SCIM request log: what the IdP sent and what the bridge answered',
  defaultCommand: 'list',
  commands: [
    {
      name: 'list',
      usage: '<tenant> [--status 2xx|4xx|5xx] [--action <a>] [--idp okta|entra|other] [--user <id|userName>] ' +
        '[--group <id|name>] [--since <time>] [--until <time>] [--limit <n>] [--cursor <id>] ' +
        '[--follow [--interval <ms>] [--polls <n>]]',
      summary: 'requests newest first; --follow prints the last ones and then new ones as they arrive (Ctrl-C stops)',
      options: {
        status: { type: 'string' },
        action: { type: 'string' },
        idp: { type: 'string' },
        user: { type: 'string' },
        group: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        limit: { type: 'string' },
        cursor: { type: 'string' },
        follow: { type: 'boolean' },
        interval: { type: 'string' },
        polls: { type: 'string' }
      },
      run: async ({ api, out, args, options }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const base = `/tenants/${id}/scim-requests`
        if (options.follow !== true) {
          const q = queryOf(options, { ...FILTERS, limit: 'limit', cursor: 'cursor' })
          const page = await api().get<{ items: Logged[], next_cursor?: string }>(`${base}${q}`)
          const more = page.next_cursor === undefined ? '' : `\n(older: --cursor ${page.next_cursor})`
          const headings = ['at', 'status', 'scim type', 'idp', 'token', 'request', 'action', 'ms']
          out.result(page, () => `${table(headings, page.items.map(cells))}${more}`)
          return
        }
        const interval = positive(options.interval, 'interval', 2000, 50)
        const polls = options.polls === undefined ? Infinity : positive(options.polls, 'polls', 1)
        const filters = queryOf(options, FILTERS).replace(/^\?/, '')
        const join = (q: string) => `${base}?${[filters, q].filter((p) => p !== '').join('&')}`
        // One line per request; with --json one JSON object per line, for piping into jq.
        const print = (r: Logged) => { out.result(r, () => line(r)) }
        const first = await api().get<{ items: Logged[] }>(join(`limit=${positive(options.limit, 'limit', 20)}`))
        const recent = [...first.items].reverse()
        for (const r of recent) print(r)
        let lastId = recent.at(-1)?.id ?? '0'
        for (let n = 0; n < polls; n++) {
          await sleep(interval)
          const next = await api().get<{ items: Logged[], last_id: string }>(join(`after=${lastId}&limit=500`))
          for (const r of next.items) print(r)
          lastId = next.last_id
        }
      }
    }
  ]
}
