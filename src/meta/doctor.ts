import type { MetaClient } from './client.js'
import { ASSET_TYPES, type AssetType } from './vocabulary/enums.js'
import { isMetaApiError, type MetaApiError } from './vocabulary/errors.js'
import { FEATURE_PERMISSIONS } from './vocabulary/permissions.js'
import type { TokenInfo } from './vocabulary/token-info.js'

// "meta doctor": read-only checks of a tenant's Meta connection, one line each, with what to do
// when one fails. Nothing here writes to Meta (GET only).

export interface DoctorCheck {
  check: string
  ok: boolean
  /** Items read (first page or all) when ok. */
  count?: number
  detail?: string
  error?: { class: string, code: number | null, message: string, trace_id: string | null }
  /** What to do about a failure. */
  fix?: string
}

export interface DoctorResult {
  ok: boolean
  checks: DoctorCheck[]
}

export interface DoctorOptions {
  /** Whether the client signs calls with appsecret_proof. */
  appSecretConfigured: boolean
  now?: () => Date
  /** A token expiring sooner than this fails the token check. */
  minValidDays?: number
  /** Assets per type whose assigned_users are read. */
  assetsPerType?: number
}

const PLURAL: Record<AssetType, string> = {
  ad_account: 'ad_accounts',
  page: 'pages',
  pixel: 'pixels',
  product_catalog: 'product_catalogs',
  instagram_account: 'instagram_accounts',
  whatsapp_business_account: 'whatsapp_business_accounts'
}

const errorOf = (err: MetaApiError): NonNullable<DoctorCheck['error']> =>
  ({ class: err.errorClass, code: err.code, message: err.userMessage ?? err.message, trace_id: err.fbtraceId })

const isProofError = (err: MetaApiError): boolean => /appsecret_proof/i.test(err.message)

/** The fix for a failed read, from Meta's error class. */
function fixFor (err: MetaApiError, what: string): string {
  if (isProofError(err)) return 'set the app\'s secret on the tenant (meta set --app-secret) or turn off "Require App Secret" in the app'
  switch (err.errorClass) {
    case 'auth': return 'the token is invalid or expired: generate a new system-user token in Business Settings and set it (meta set --access-token)'
    case 'permission': return `the token may not read ${what}: make the system user an admin of the business, claim the app for the business, and grant the permissions listed above`
    case 'not_found': return `Meta will not load ${what} for this token (missing, or missing permissions): check the business id and the system user's access`
    case 'rate_limited': return 'Meta is throttling the app or business: run the doctor again later'
    default: return 'see Meta\'s message; run the doctor again, and report it if it persists'
  }
}

export async function runDoctor (client: MetaClient, options: DoctorOptions): Promise<DoctorResult> {
  const now = options.now ?? (() => new Date())
  const checks: DoctorCheck[] = []
  const errors: MetaApiError[] = []
  const attempt = async <T> (
    check: string, what: string, read: () => Promise<T>, describe: (v: T) => Partial<DoctorCheck>
  ): Promise<T | undefined> => {
    try {
      const value = await read()
      checks.push({ check, ok: true, ...describe(value) })
      return value
    } catch (err) {
      if (!isMetaApiError(err)) throw err
      errors.push(err)
      checks.push({ check, ok: false, error: errorOf(err), fix: fixFor(err, what) })
      return undefined
    }
  }

  const token = await attempt('token', 'the token', async () => await client.debugToken(), (info) => tokenLine(info, now(), options.minValidDays ?? 14))
  const line = checks.at(-1)
  if (
    line !== undefined && line.ok && token !== undefined &&
    tokenProblem(token, now(), options.minValidDays ?? 14) !== null
  ) line.ok = false

  await attempt('business', 'the business', async () => await client.getBusiness(), (b) => ({ detail: `${b.id}${b.name === undefined ? '' : ` (${b.name})`}` }))
  await attempt('business_users', 'the members', async () => await client.listBusinessUsers(), (l) => ({ count: l.length }))
  await attempt('pending_users', 'the invitations', async () => await client.listPendingUsers(), (l) => ({ count: l.length }))
  await attempt('system_users', 'the system users', async () => await client.listSystemUsers(), (l) => ({ count: l.length }))

  const present = new Map<AssetType, Array<{ id: string }>>()
  for (const type of ASSET_TYPES) {
    const listed = await attempt(PLURAL[type], `the business's ${PLURAL[type]}`, async () => [
      ...await client.listAssets(type, { relation: 'owned' }),
      ...await client.listAssets(type, { relation: 'client' })
    ], (l) => ({ count: l.length }))
    if (listed !== undefined) present.set(type, listed)
  }
  for (const [type, assets] of present) {
    if (assets.length === 0) continue
    checks.push(await assignedUsersLine(client, type, assets.slice(0, options.assetsPerType ?? 20), errors))
  }

  checks.splice(1, 0, ...permissionLines(token, present))
  checks.splice(1, 0, proofLine(options.appSecretConfigured, errors, checks))
  return { ok: checks.every((c) => c.ok), checks }
}

function tokenProblem (info: TokenInfo, now: Date, minDays: number): string | null {
  if (!info.is_valid) return `Meta says the token is not valid${info.error?.message === undefined ? '' : `: ${info.error.message}`}`
  const expires = info.expires_at ?? 0
  if (expires === 0) return null
  const days = (expires * 1000 - now.getTime()) / 86_400_000
  return days < minDays ? `the token expires in ${Math.max(0, Math.floor(days))} days (${new Date(expires * 1000).toISOString()})` : null
}

function tokenLine (info: TokenInfo, now: Date, minDays: number): Partial<DoctorCheck> {
  const problem = tokenProblem(info, now, minDays)
  if (problem !== null) {
    return { detail: problem, fix: 'generate a system-user token that does not expire (Business Settings › System users › Generate token) and set it (meta set --access-token)' }
  }
  const expires = info.expires_at ?? 0
  return { detail: `valid, ${info.type ?? 'token'}${expires === 0 ? ', never expires' : `, expires ${new Date(expires * 1000).toISOString()}`}` }
}

function permissionLines (token: TokenInfo | undefined, present: ReadonlyMap<AssetType, unknown[]>): DoctorCheck[] {
  return FEATURE_PERMISSIONS.map((f) => {
    const check = `permissions:${f.feature}`
    const needs = f.permissions.join(', ')
    if (f.assetType !== undefined && (present.get(f.assetType)?.length ?? 0) === 0) {
      return { check, ok: true, detail: `not needed: the business lists no ${PLURAL[f.assetType]} (would need ${needs})` }
    }
    if (token === undefined || !token.is_valid) {
      return { check, ok: false, detail: `needs ${needs}; the token's permissions could not be read`, fix: 'fix the token check first' }
    }
    const held = new Set(token.scopes ?? [])
    const missing = f.permissions.filter((p) => !held.has(p))
    if (missing.length === 0) return { check, ok: true, detail: `holds ${needs}${f.documented ? '' : ' (requirement not documented by Meta)'}` }
    return {
      check,
      ok: false,
      detail: `missing ${missing.join(', ')} (needed for ${f.what})`,
      fix: `add ${missing.join(', ')} to the app (App Review where Meta asks for it) and generate the system-user token again with ${missing.length === 1 ? 'it' : 'them'}`
    }
  })
}

async function assignedUsersLine (
  client: MetaClient, type: AssetType, assets: Array<{ id: string }>, errors: MetaApiError[]
): Promise<DoctorCheck> {
  const check = `assigned_users:${PLURAL[type]}`
  // One GET per asset, not a batch: a batch is a POST, and the doctor sends nothing but GETs.
  const failed: Array<{ id: string, err: MetaApiError }> = []
  for (const asset of assets) {
    try {
      await client.getAssignedUsers({ type, id: asset.id })
    } catch (err) {
      if (!isMetaApiError(err)) throw err
      errors.push(err)
      failed.push({ id: asset.id, err })
    }
  }
  const first = failed[0]
  if (first === undefined) return { check, ok: true, count: assets.length, detail: `${assets.length} read` }
  return {
    check,
    ok: false,
    count: assets.length - failed.length,
    detail: `${failed.length} of ${assets.length} unreadable: ${failed.map((f) => f.id).join(', ')}`,
    error: errorOf(first.err),
    fix: type === 'page' && first.err.errorClass === 'permission'
      ? 'grant pages_manage_metadata to the app and token, and give the system user MANAGE on the pages'
      : 'assign these assets to the bridge\'s system user (Business Settings), or ask the partner who owns them to share them again'
  }
}

function proofLine (configured: boolean, errors: readonly MetaApiError[], checks: readonly DoctorCheck[]): DoctorCheck {
  const refused = errors.find(isProofError)
  if (refused !== undefined) {
    return {
      check: 'appsecret_proof',
      ok: false,
      error: errorOf(refused),
      fix: configured
        ? 'the app secret set on the tenant is not this app\'s: set the right one (meta set --app-secret)'
        : 'the app requires appsecret_proof: set the app secret on the tenant (meta set --app-secret)'
    }
  }
  const accepted = checks.some((c) => c.ok && c.check !== 'token')
  if (!configured) return { check: 'appsecret_proof', ok: true, detail: 'not sent (no app secret set); Meta did not ask for it' }
  return accepted
    ? { check: 'appsecret_proof', ok: true, detail: 'sent with every call and accepted' }
    : { check: 'appsecret_proof', ok: false, detail: 'no call succeeded, so it is unconfirmed', fix: 'fix the failures below first' }
}
