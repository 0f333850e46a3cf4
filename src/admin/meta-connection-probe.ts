import { isMetaApiError, type MetaClient } from '../meta/index.js'

/** One Graph read of the connection test, as the admin sees it. */
export interface ProbeCheck {
  check: string
  ok: boolean
  /** Items read (first page) when ok. */
  count?: number
  error?: { class: string, code: number | null, message: string, trace_id: string | null }
}

export interface ProbeResult {
  ok: boolean
  checks: ProbeCheck[]
}

async function run (check: string, read: () => Promise<unknown[]>): Promise<ProbeCheck> {
  try {
    return { check, ok: true, count: (await read()).length }
  } catch (err) {
    if (!isMetaApiError(err)) throw err
    return {
      check,
      ok: false,
      error: { class: err.errorClass, code: err.code, message: err.userMessage ?? err.message, trace_id: err.fbtraceId }
    }
  }
}

/**
 * "Test connection": the reads the bridge relies on, each reported on its own, so an admin
 * sees e.g. a token that may read members but not assets. Reads only; nothing is written.
 */
export async function probeMetaConnection (client: MetaClient): Promise<ProbeResult> {
  const checks = [
    await run('business_users', async () => await client.listBusinessUsers()),
    await run('pending_users', async () => await client.listPendingUsers()),
    await run('system_users', async () => await client.listSystemUsers()),
    await run('ad_accounts', async () => await client.listAssets('ad_account'))
  ]
  return { ok: checks.every((c) => c.ok), checks }
}
