import { runDoctor, type DoctorCheck, type DoctorResult, type MetaClient } from '../meta/index.js'

/** One line of the connection test ("meta doctor"), as the admin sees it. */
export type ProbeCheck = DoctorCheck
export type ProbeResult = DoctorResult

/**
 * "Test connection" / `meta doctor`: the token (valid, not expiring), the permissions it holds
 * against those each feature needs, the business, every member, invitation and asset edge, and
 * appsecret_proof, each reported on its own with what to do when it fails. Reads only.
 */
export async function probeMetaConnection (client: MetaClient, options: { appSecretConfigured: boolean, now?: () => Date }): Promise<ProbeResult> {
  return await runDoctor(client, options)
}
