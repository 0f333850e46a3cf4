import type { CommandGroup } from '../command.js'
import { table } from '../output.js'
import { arg, resolveTenant } from '../resolve.js'
import { queryOf } from './query.js'

interface Step { kind: string, [key: string]: unknown }
interface PlanPage {
  identity_mode: string,
  dry_run: boolean,
  next_after?: string,
  items: Array<{ user_id: string, email: string | null, observed_state: string, steps: Step[] }>
}

const describe = (s: Step): string => {
  const { kind, ...rest } = s
  const detail = Object.entries(rest).filter(([, v]) => typeof v === 'string').map(([k, v]) => `${k}=${String(v)}`).join(' ')
  return detail === '' ? kind : `${kind} ${detail}`
}

export const planGroup: CommandGroup = {
  name: 'plan',
  summary: 'what the bridge would do for each user now, without doing it',
  defaultCommand: 'show',
  commands: [
    {
      name: 'show',
      usage: '<tenant> [--limit <n>] [--after <user-id>]',
      summary: 'the plan preview, one page (users with nothing to do included)',
      options: { limit: { type: 'string' }, after: { type: 'string' } },
      run: async ({ api, out, args, options }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const p = await api().get<PlanPage>(`/tenants/${id}/plan${queryOf(options, { limit: 'limit', after: 'after' })}`)
        out.result(p, () => [
          `identity mode ${p.identity_mode}${p.dry_run ? ', dry run (nothing would be sent)' : ''}`,
          table(['user id', 'email', 'state', 'steps'], p.items.map((i) => [
            i.user_id, i.email, i.observed_state, i.steps.length === 0 ? 'nothing' : i.steps.map(describe).join('; ')
          ])),
          ...(p.next_after === undefined ? [] : [`next page: --after ${p.next_after}`])
        ].join('\n'))
      }
    }
  ]
}
