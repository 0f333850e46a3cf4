import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { runDoctor, type DoctorCheck, type DoctorResult, type MetaClient } from '../meta/index.js'
import { loadMetaCredentials } from '../tenants/meta-settings.js'
import type { AdminProvisioning } from './provisioning-deps.js'

/** One line of the connection test ("meta doctor"), as the admin sees it. */
export type ProbeCheck = DoctorCheck
export type ProbeResult = DoctorResult

/**
 * "Test connection" / `meta doctor`: the token (valid, not expiring), the permissions it holds
 * against those each feature needs, the business, every member, invitation and asset edge, and
 * appsecret_proof, each reported on its own with what to do when it fails. Reads only.
 */
export async function probeMetaConnection (
  client: MetaClient, options: { appSecretConfigured: boolean, now?: () => Date }
): Promise<ProbeResult> {
  return await runDoctor(client, options)
}

/**
 * The test of one tenant's stored connection, for the admin API and the console alike;
 * undefined when the tenant has no business id or access token.
 */
export async function testTenantConnection (
  db: Kysely<DB>, provisioning: Pick<AdminProvisioning, 'box' | 'clients'>, tenantId: string
): Promise<(ProbeResult & { business_id: string | null }) | undefined> {
  const credentials = await loadMetaCredentials(db, provisioning.box, tenantId)
  const client = provisioning.clients.forTenant(credentials)
  if (client === null) return undefined
  const appSecretConfigured = credentials.appSecret !== null && credentials.appSecret !== undefined
  return { business_id: credentials.businessId, ...(await probeMetaConnection(client, { appSecretConfigured })) }
}
