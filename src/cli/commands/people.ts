import type { CommandGroup } from '../command.js'
import { keyValues, table } from '../output.js'
import { arg, resolveTenant } from '../resolve.js'
import { queryOf } from './query.js'

interface Person {
  user_id: string,
  user_name: string,
  email: string | null,
  active: boolean,
  desired: { role: string | null, why: string, assets: unknown[] },
  observed: {
    state: string
    role: string | null
    invite_id: string | null
    business_user_id: string | null
    manual_steps?: Array<{ action: string, asset_type: string, asset_id: string, instruction: string }>
  },
  last_error: { message: string, code: number | null } | null
}

export const peopleGroup: CommandGroup = {
  name: 'people',
  summary: 'SCIM users with desired access, Meta state and last error',
  defaultCommand: 'list',
  commands: [
    {
      name: 'list',
      usage: '<tenant> [--state none|invited|member|removed|skipped|failed] [--limit <n>] [--offset <n>]',
      summary: 'people by user name, paged',
      options: { state: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' } },
      run: async ({ api, out, args, options }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const page = await api().get<{ items: Person[], total: number, next_offset?: number }>(
          `/tenants/${id}/people${queryOf(options, { state: 'state', limit: 'limit', offset: 'offset' })}`)
        out.result(page, () => `${table(['user id', 'user name', 'desired role', 'state', 'role', 'last error'], page.items.map((p) => [
          p.user_id, p.user_name, p.desired.role, p.observed.state, p.observed.role, p.last_error?.message
        ]))}\n${page.items.length} of ${page.total}${page.next_offset === undefined ? '' : ` (next: --offset ${page.next_offset})`}`)
      }
    },
    {
      name: 'show',
      usage: '<tenant> <user-id>',
      summary: 'one person in detail',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const p = await api().get<Person>(`/tenants/${id}/people/${encodeURIComponent(arg(args, 1, 'user-id'))}`)
        out.result(p, () => keyValues([
          ['user id', p.user_id], ['user name', p.user_name], ['email', p.email], ['active', p.active],
          ['desired role', p.desired.role], ['why', p.desired.why], ['desired assets', JSON.stringify(p.desired.assets)],
          ['state', p.observed.state], ['role', p.observed.role], ['invite id', p.observed.invite_id],
          ['business user id', p.observed.business_user_id],
          ['to do by hand', (p.observed.manual_steps ?? []).map((m) => `${m.action} ${m.asset_type} ${m.asset_id}: ${m.instruction}`).join('; ') || null],
          ['last error', p.last_error === null ? null : `${p.last_error.code ?? ''} ${p.last_error.message}`.trim()]
        ]))
      }
    }
  ]
}
