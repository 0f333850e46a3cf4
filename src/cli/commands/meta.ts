import type { CommandContext, CommandGroup, OptionValues } from '../command.js'
import { CliError, EXIT } from '../exit-codes.js'
import { keyValues } from '../output.js'
import { arg, resolveTenant } from '../resolve.js'
import { booleanOption } from './query.js'

interface Connection {
  business_id: string | null,
  access_token_set: boolean,
  app_secret_set: boolean,
  identity_mode: string,
  invite_type: string,
  work_accounts_invite: boolean,
  default_role: string | null,
  dry_run: boolean,
  effective_dry_run: boolean,
  managed_by: string,
  /** API field → the variable that owns it (older servers omit it). */
  env_owned?: Record<string, string>,
  connection: { status: string, error: string | null },
  changed?: boolean
}
interface Check {
  check: string
  ok: boolean
  count?: number
  detail?: string
  fix?: string
  error?: { class: string, code: number | null, message: string }
}

/** One line per check: `ok` or `FAILED`, what was seen, and for a failure Meta's error and the fix. */
function doctorLines (checks: Check[]): string {
  const width = Math.max(...checks.map((c) => c.check.length))
  return checks.map((c) => {
    const seen = c.detail ?? (c.count === undefined ? '' : `${c.count} read`)
    const error = c.error === undefined ? '' : ` [${c.error.class} ${c.error.code ?? ''}: ${c.error.message}]`
    const fix = c.ok || c.fix === undefined ? '' : ` → fix: ${c.fix}`
    return `${c.ok ? 'ok    ' : 'FAILED'}  ${c.check.padEnd(width)}  ${seen}${error}${fix}`.trimEnd()
  }).join('\n')
}

const runDoctorCommand = async ({ api, out, args }: CommandContext): Promise<void> => {
  const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
  const r = await api().post<{ ok: boolean, checks: Check[] }>(`/tenants/${id}/meta-connection/test`)
  out.result(r, () => doctorLines(r.checks))
  if (!r.ok) throw new CliError(EXIT.failed, `${r.checks.filter((c) => !c.ok).length} check(s) failed`)
}

/** A value with its owner when the environment sets it: `123 (META_BUSINESS_ID)`. */
const owned = (c: Connection, field: string, value: string | null): string | null => {
  const variable = c.env_owned?.[field]
  return variable === undefined ? value : `${value ?? 'none'} (${variable}, read-only)`
}

const render = (c: Connection): string => keyValues([
  ['business id', owned(c, 'business_id', c.business_id)],
  ['access token', owned(c, 'access_token', c.access_token_set ? 'set' : 'not set')],
  ['app secret', owned(c, 'app_secret', c.app_secret_set ? 'set' : 'not set')],
  ['identity mode', owned(c, 'identity_mode', c.identity_mode)], ['invite type', owned(c, 'invite_type', c.invite_type)],
  ['work accounts invite', owned(c, 'work_accounts_invite', c.work_accounts_invite ? 'yes (MWA)' : 'no')],
  ['default role', owned(c, 'default_role', c.default_role ?? 'none')],
  ['dry run', owned(c, 'dry_run', c.effective_dry_run && !c.dry_run ? 'yes (no business id or token)' : c.dry_run ? 'yes' : 'no')],
  ['managed by', c.managed_by], ['connection', c.connection.error === null ? c.connection.status : `${c.connection.status}: ${c.connection.error}`]
])

/** Only the options given; `none` clears a secret or the default role. */
function body (o: OptionValues): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const text = (name: string, key: string, clearable: boolean): void => {
    const v = o[name]
    if (typeof v === 'string') out[key] = clearable && v === 'none' ? null : v
  }
  text('business-id', 'business_id', true)
  text('access-token', 'access_token', true)
  text('app-secret', 'app_secret', true)
  text('identity-mode', 'identity_mode', false)
  text('invite-type', 'invite_type', false)
  text('default-role', 'default_role', true)
  const dry = booleanOption(o['dry-run'], 'dry-run')
  if (dry !== undefined) out.dry_run = dry
  const invite = booleanOption(o['work-accounts-invite'], 'work-accounts-invite')
  if (invite !== undefined) out.work_accounts_invite = invite
  return out
}

export const metaGroup: CommandGroup = {
  name: 'meta',
  summary: 'the tenant\'s Meta connection: show, set, doctor',
  defaultCommand: 'show',
  commands: [
    {
      name: 'show',
      usage: '<tenant>',
      summary: 'show the settings (secrets only as set / not set)',
      run: async ({ api, out, args }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const c = await api().get<Connection>(`/tenants/${id}/meta-connection`)
        out.result(c, () => render(c))
      }
    },
    {
      name: 'set',
      usage: '<tenant> [--business-id <id>] [--access-token <t>] [--app-secret <s>] [--identity-mode <m>] [--invite-type FB|MWA] [--default-role <role>|none] [--dry-run true|false] [--work-accounts-invite true|false]',
      summary: 'change settings; options left out keep their value, `none` clears',
      options: {
        'business-id': { type: 'string' },
        'access-token': { type: 'string' },
        'app-secret': { type: 'string' },
        'identity-mode': { type: 'string' },
        'invite-type': { type: 'string' },
        'default-role': { type: 'string' },
        'dry-run': { type: 'string' },
        'work-accounts-invite': { type: 'string' }
      },
      run: async ({ api, out, args, options }) => {
        const id = await resolveTenant(api(), arg(args, 0, 'tenant'))
        const c = await api().put<Connection>(`/tenants/${id}/meta-connection`, body(options))
        out.result(c, () => `${c.changed === true ? 'changed (everyone will be reconciled)' : 'unchanged'}\n${render(c)}`)
      }
    },
    {
      name: 'doctor',
      usage: '<tenant>',
      summary: 'read-only checks against Meta: token, permissions, business, every edge, appsecret_proof; the fix for each failure (exit 1 when one fails)',
      run: runDoctorCommand
    },
    {
      name: 'test',
      usage: '<tenant>',
      summary: 'the same as doctor',
      run: runDoctorCommand
    }
  ]
}
